#include "switch/dialstring/dial_string.hpp"

#include <ranges>

#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::sw {
namespace {

using text::separate_string;

// switch_ivr_originate's MAX_PEERS bounds both the '|' and the ',' split.
constexpr std::size_t kMaxPeers = 128;
// switch_event_create_brackets splits a block into at most this many variables.
constexpr std::size_t kMaxBlockVars = 1024;
// Commas inside [] are replaced by these before the ',' split so that they do not separate
// legs: the unquoted ones then separate the [] variables, the quoted ones become commas again.
constexpr char kQuotedComma = '\x01';
constexpr char kUnquotedComma = '\x02';

std::size_t skip_spaces(std::string_view text, std::size_t pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  return pos;
}

// Index of the bracket closing the one at (or after spaces from) `pos`; npos when `pos` does
// not start a block or the block is not closed. Nested open brackets count when open != close.
std::size_t find_block_end(std::string_view text, std::size_t pos, char open, char close) {
  pos = skip_spaces(text, pos);
  if (pos >= text.size() || text[pos] != open) return std::string_view::npos;
  int depth = 1;
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == open && open != close) {
      ++depth;
    } else if (text[i] == close && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Parses the block starting at text[pos] (== open) into `into`, removing each name set from
// `shadowed` too (the <> and {} blocks share one variable set in FreeSWITCH). Items without
// '=' are dropped, as FreeSWITCH drops them, and listed in `ignored`. Returns the position
// after the closing bracket, or npos when the block is not closed.
std::size_t parse_block(std::string_view text, std::size_t pos, char open, char close,
                        char separator, VarList& into, VarList* shadowed,
                        std::vector<std::string>* ignored) {
  std::size_t end = find_block_end(text, pos, open, close);
  if (end == std::string_view::npos) return end;
  std::string_view content = text.substr(pos + 1, end - pos - 1);
  if (content.size() >= 2 && content[0] == '^' && content[1] == '^') {
    if (content.size() < 3) return end + 1;  // "^^" alone: no separator, no variables
    separator = content[2];
    content.remove_prefix(3);
  }
  for (const std::string& item : separate_string(content, separator, kMaxBlockVars)) {
    std::vector<std::string> pair = separate_string(item, '=', 2);
    if (pair.size() != 2) {
      if (ignored && !item.empty()) ignored->push_back(item);
      continue;
    }
    if (shadowed) shadowed->erase(pair[0]);
    into.set(pair[0], pair[1]);
  }
  return end + 1;
}

// The comma marking switch_ivr_originate applies to one '|' group before splitting it at ','.
std::string mark_bracket_commas(std::string text) {
  std::size_t end = std::string::npos;
  bool quoted = false;
  bool alternate_separator = false;
  for (std::size_t p = 0; p < text.size(); ++p) {
    if (end == std::string::npos && text[p] == '[') {
      end = find_block_end(text, p, '[', ']');
      alternate_separator = p + 2 < text.size() && text[p + 1] == '^' && text[p + 2] == '^';
      quoted = false;
    }
    if (text[p] == '\'') quoted = !quoted;
    if (end != std::string::npos && p < end && text[p] == ',' && p > 0 && text[p - 1] != '\\') {
      text[p] = quoted || alternate_separator ? kQuotedComma : kUnquotedComma;
    }
    if (p == end) end = std::string::npos;
  }
  return text;
}

void unmark_commas(std::string& text, std::size_t begin, std::size_t end, bool unquoted_too) {
  for (std::size_t i = begin; i < end && i < text.size(); ++i) {
    if (text[i] == kQuotedComma || (unquoted_too && text[i] == kUnquotedComma)) text[i] = ',';
  }
}

std::optional<DialLeg> parse_leg(std::string leg_text, std::string& error,
                                 std::vector<std::string>& ignored) {
  DialLeg leg;
  std::size_t pos = skip_spaces(leg_text, 0);
  while (pos < leg_text.size() && leg_text[pos] == '[') {
    std::size_t end = find_block_end(leg_text, pos, '[', ']');
    if (end == std::string::npos) {
      error = "unterminated '[' block in leg: " + leg_text.substr(pos);
      return std::nullopt;
    }
    unmark_commas(leg_text, pos + 1, end, false);
    pos = parse_block(leg_text, pos, '[', ']', kUnquotedComma, leg.vars, nullptr, &ignored);
  }
  pos = skip_spaces(leg_text, pos);
  leg.text = leg_text.substr(pos);
  // Markers outside a leading [] block (e.g. "null/x[a,b]") stand for the commas written.
  unmark_commas(leg.text, 0, leg.text.size(), true);
  std::size_t slash = leg.text.find('/');
  leg.has_slash = slash != std::string::npos;
  leg.endpoint = leg.text.substr(0, slash);
  if (leg.has_slash) leg.data = leg.text.substr(slash + 1);
  return leg;
}

void set_all(VarList& into, const VarList& from) {
  for (const auto& [name, value] : from.vars) into.set(name, value);
}

VarList block_vars(const DialString& d) {
  VarList all;
  set_all(all, d.enterprise_vars);
  set_all(all, d.global_vars);
  return all;
}

}  // namespace

const std::string* VarList::find(std::string_view name) const {
  for (const auto& [key, value] : std::views::reverse(vars)) {
    if (protocol::iequals(key, name)) return &value;
  }
  return nullptr;
}

bool VarList::erase(std::string_view name) {
  std::size_t before = vars.size();
  std::erase_if(vars, [&](const auto& var) { return protocol::iequals(var.first, name); });
  return vars.size() != before;
}

void VarList::set(std::string_view name, std::string_view value) {
  erase(name);
  if (!value.empty()) vars.emplace_back(std::string(name), std::string(value));
}

bool is_enterprise_dial_string(std::string_view text) {
  return text.find(kEnterpriseDelimiter) != std::string_view::npos;
}

DialStringResult parse_dial_string(std::string_view text) {
  DialStringResult result;
  if (is_enterprise_dial_string(text)) {
    result.error = "enterprise dial string (\":_:\"): split it with split_enterprise";
    return result;
  }
  DialString dial;
  std::size_t pos = skip_spaces(text, 0);
  // Blocks must follow each other directly: a space ends the block list.
  while (pos < text.size() && text[pos] == '<') {
    pos = parse_block(text, pos, '<', '>', ',', dial.enterprise_vars, nullptr, &dial.ignored);
    if (pos == std::string_view::npos) {
      result.error = "unterminated '<' block";
      return result;
    }
  }
  while (pos < text.size() && text[pos] == '{') {
    pos = parse_block(text, pos, '{', '}', ',', dial.global_vars, &dial.enterprise_vars,
                      &dial.ignored);
    if (pos == std::string_view::npos) {
      result.error = "unterminated '{' block";
      return result;
    }
  }
  pos = skip_spaces(text, pos);
  if (pos >= text.size()) {
    result.error = "No origination URL specified";
    return result;
  }
  for (const std::string& group_text : separate_string(text.substr(pos), '|', kMaxPeers)) {
    DialGroup group;
    for (std::string& leg_text : separate_string(mark_bracket_commas(group_text), ',', kMaxPeers)) {
      std::optional<DialLeg> leg = parse_leg(std::move(leg_text), result.error, dial.ignored);
      if (!leg) return result;
      group.legs.push_back(std::move(*leg));
    }
    dial.groups.push_back(std::move(group));
  }
  result.dial = std::move(dial);
  return result;
}

std::vector<std::string> split_enterprise(std::string_view text) {
  if (!is_enterprise_dial_string(text)) return {std::string(text)};
  std::size_t begin = skip_spaces(text, 0);
  std::size_t pos = begin;
  VarList ignored;
  while (pos < text.size() && text[pos] == '<') {
    pos = parse_block(text, pos, '<', '>', ',', ignored, nullptr, nullptr);
    if (pos == std::string_view::npos) return {std::string(text)};
  }
  std::string prefix(text.substr(begin, pos - begin));
  prefix += "<ignore_early_media=true>";
  std::string_view rest = text.substr(skip_spaces(text, pos));
  std::vector<std::string> parts;
  while (true) {
    std::size_t cut =
        parts.size() + 1 < kMaxPeers ? rest.find(kEnterpriseDelimiter) : std::string_view::npos;
    std::string_view part = rest.substr(0, cut);
    parts.push_back(prefix + std::string(part.substr(skip_spaces(part, 0))));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + kEnterpriseDelimiter.size());
  }
  return parts;
}

VarList effective_leg_vars(const DialString& d, const DialLeg& leg) {
  VarList blocks = block_vars(d);
  VarList out;
  if (text::switch_true(blocks.find("local_var_clobber"))) {
    set_all(out, blocks);
    set_all(out, leg.vars);
  } else {
    set_all(out, leg.vars);
    set_all(out, blocks);
  }
  return out;
}

VarList originate_leg_vars(const DialString& d, const DialLeg& leg) {
  VarList out = block_vars(d);
  set_all(out, leg.vars);
  return out;
}

std::string destination_from_data(std::string_view data) {
  return data.empty() ? std::string("service") : std::string(data);
}

std::string callee_number_from_destination(std::string_view dest) {
  dest = dest.substr(0, dest.find('@'));
  std::size_t cut = dest.find_last_of("/:");
  if (cut != std::string_view::npos) dest.remove_prefix(cut + 1);
  return std::string(dest);
}

bool mentions_nested_vars(std::string_view text) {
  return protocol::icontains(text, "origination_nested_vars=true");
}

}  // namespace es::sw
