#include "switch/dialplan/xml_dialplan.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/dialplan/dialplan_regex.hpp"
#include "switch/dialplan/time_condition.hpp"
#include "switch/dialplan/time_zone.hpp"

namespace es::sw {
namespace {

constexpr int kMaxRecursion = 100;
constexpr int kIndentPerLevel = 4;

enum class BreakRule { kOnTrue, kOnFalse, kAlways, kNever };

std::optional<std::string_view> attribute(pugi::xml_node node, const char* name) {
  pugi::xml_attribute a = node.attribute(name);
  if (!a) return std::nullopt;
  return std::string_view(a.value());
}

pugi::xml_node find_named_child(pugi::xml_node parent, const char* tag, std::string_view name) {
  for (pugi::xml_node child : parent.children(tag)) {
    pugi::xml_attribute a = child.attribute("name");
    if (a && protocol::iequals(a.value(), name)) return child;
  }
  return {};
}

pugi::xml_node next_same_name(pugi::xml_node node) {
  return node.next_sibling(node.name());
}

// Appends `value` to an array variable the way FreeSWITCH's stack-push does: the first value
// is stored plainly, further ones turn it into "ARRAY::a|:b|:c".
void push_array_variable(RoutingChannel& channel, std::string_view name, std::string_view value) {
  std::optional<std::string> current = channel.variable(name);
  if (!current || current->empty()) {
    channel.set_variable(name, value);
    return;
  }
  std::string combined = current->starts_with("ARRAY::") ? *current : "ARRAY::" + *current;
  combined += "|:";
  combined += value;
  channel.set_variable(name, combined);
}

void store_captures(RoutingChannel& channel, std::string_view name, const RegexMatch& match,
                    int count) {
  channel.set_variable(name, "");
  for (const std::string& value : captured_groups(match, count)) {
    push_array_variable(channel, name, value);
  }
}

// The condition's expression: the text of a child <expression>, else the attribute.
std::string expression_text(pugi::xml_node node) {
  if (pugi::xml_node child = node.child("expression")) return child.text().get();
  return node.attribute("expression").value();
}

// Where an action's argument comes from: element text when non-empty, else `data`.
std::string action_data(pugi::xml_node action) {
  std::string text = action.text().get();
  if (!text.empty()) return text;
  return action.attribute("data").value();
}

// FreeSWITCH's log wording, missing space on failure included.
std::string_view time_verdict(bool passed) {
  return passed ? "Date/Time Match (PASS)" : "Date/TimeMatch (FAIL)";
}

class ExtensionParser {
 public:
  ExtensionParser(RoutingChannel& channel, std::optional<Extension>& extension)
      : channel_(channel),
        extension_(extension),
        destination_(channel.profile_field("destination_number")),
        channel_name_(channel.profile_field("chan_name")) {}

  // parse_exten: true when the extension (or nested block) matched.
  bool parse(pugi::xml_node node, std::string_view top_name, int recursion);

 private:
  std::optional<int> tz_offset() const {
    std::optional<std::string> offset = channel_.variable("tod_tz_offset");
    if (offset && !offset->empty() && text::is_number(*offset)) return text::c_atoi(*offset);
    return std::nullopt;
  }
  std::optional<bool> time_check(pugi::xml_node node) const {
    std::string timezone = channel_.variable("timezone").value_or("");
    std::optional<int> offset = tz_offset();
    std::int64_t now = channel_.now_epoch_us();
    if (!offset && !timezone.empty() && !zone_offset(timezone, now / 1000000))
      channel_.log(kLogError, fmt::format("Timezone '{}' not found!\n", timezone));
    return check_time_conditions(node, now, offset, timezone);
  }
  RegexMatch match_field(std::string_view field_data, std::string_view expression) {
    std::string error;
    RegexMatch match = regex_perform(field_data, expression, &error);
    if (!error.empty()) {
      channel_.log(kLogError,
                   fmt::format("Regular expression error [{}]: {}\n", expression, error));
    }
    return match;
  }
  std::string field_value(std::string_view field) {
    if (field.find('$') != std::string_view::npos) return channel_.expand(field);
    return channel_.profile_field(field);
  }
  void debug(std::string_view indent, std::string_view text) {
    channel_.log(kLogDebug, fmt::format("{}Dialplan: {} {}\n", indent, channel_name_, text));
  }
  void ensure_extension(std::string_view name) {
    if (!extension_) extension_ = Extension{std::string(name), destination_, {}};
  }
  void run_action(std::string_view indent, std::string_view kind, std::string_view application,
                  std::string_view data, bool run_inline) {
    debug(indent, fmt::format("{} {}({}) {}", kind, application, data, run_inline ? "INLINE" : ""));
    if (!run_inline) {
      extension_->actions.push_back({std::string(application), std::string(data)});
    } else if (!channel_.execute_inline(application, data)) {
      channel_.log(kLogError, "This application cannot be executed inline\n");
    }
  }

  RoutingChannel& channel_;
  std::optional<Extension>& extension_;
  std::string destination_;
  std::string channel_name_;
};

bool ExtensionParser::parse(pugi::xml_node node, std::string_view top_name, int recursion) {
  std::string exten_name(top_name);
  std::string indent;
  bool require_nested = true;
  if (recursion > 0) {
    if (recursion > kMaxRecursion) {
      channel_.log(kLogError, "Recursion LIMIT!\n");
      return false;
    }
    exten_name = fmt::format("{}_recur_{}", top_name, recursion);
    indent =
        "|" + std::string(static_cast<std::size_t>(recursion * kIndentPerLevel) - 1, '-') + " ";
    if (auto attr = attribute(node, "require-nested")) require_nested = text::switch_true(*attr);
    channel_.log(kLogDebug,
                 fmt::format("{}Dialplan: Processing recursive conditions level:{} [{}] "
                             "require-nested={}\n",
                             indent, recursion, exten_name, require_nested ? "TRUE" : "FALSE"));
  } else if (auto name = attribute(node, "name")) {
    exten_name = std::string(*name);
  }

  // FreeSWITCH keeps its "proceed" flag across conditions of one extension: a condition that
  // does not set it inherits the previous one's.
  int proceed = 0;
  for (pugi::xml_node condition : node.children("condition")) {
    std::optional<std::string_view> field = attribute(condition, "field");
    std::optional<std::string_view> break_text = attribute(condition, "break");
    BreakRule break_rule = BreakRule::kOnFalse;
    if (break_text) {
      if (protocol::iequals(*break_text, "on-true")) {
        break_rule = BreakRule::kOnTrue;
      } else if (protocol::iequals(*break_text, "on-false")) {
        break_rule = BreakRule::kOnFalse;
      } else if (protocol::iequals(*break_text, "always")) {
        break_rule = BreakRule::kAlways;
      } else if (protocol::iequals(*break_text, "never")) {
        break_rule = BreakRule::kNever;
      } else {
        break_text.reset();
      }
    }
    std::string_view break_name = break_text ? *break_text : "on-false";

    bool anti_action = true;
    std::optional<bool> time_match = time_check(condition);
    if (time_match) {
      debug(indent,
            fmt::format("{} [{}] break={}", time_verdict(*time_match), exten_name, break_name));
      if (*time_match) {
        anti_action = false;
        proceed = 1;
      } else {
        proceed = 0;
      }
    }

    // What the actions see: the field (set when a regex decided), its value, the expression
    // (unset when FreeSWITCH dropped its pointer) and the match.
    std::optional<std::string> action_field;
    std::string field_data;
    std::optional<std::string> expression;
    RegexMatch match;

    if (auto regex_rule = attribute(condition, "regex")) {
      bool all = protocol::iequals(*regex_rule, "all");
      bool exclusive = protocol::iequals(*regex_rule, "xor");
      const char* mode = all ? "all" : "any";
      int pass = 0;
      int fail = 0;
      int total = 0;
      // The last regex whose expression has a group is remembered; when its match succeeded
      // it supplies DP_MATCH and the substitutions.
      struct Saved {
        std::string expression;
        std::string field_data;
        RegexMatch match;
        int proceed = 0;
      };
      std::optional<Saved> saved;
      bool last_was_expanded = false;
      action_field = field ? std::optional<std::string>(std::string(*field)) : std::nullopt;

      channel_.unset_variables_with_prefix("DP_REGEX_MATCH");
      for (pugi::xml_node regex : condition.children("regex")) {
        std::optional<bool> regex_time = time_check(regex);
        if (regex_time) {
          debug(indent, fmt::format("{} [{}]", time_verdict(*regex_time), exten_name));
        }
        std::string raw = expression_text(regex);
        last_was_expanded = text::needs_expansion(raw);
        expression = last_was_expanded ? channel_.expand(raw) : raw;
        ++total;
        std::optional<std::string_view> regex_field = attribute(regex, "field");
        action_field =
            regex_field ? std::optional<std::string>(std::string(*regex_field)) : std::nullopt;
        match = RegexMatch{};
        if (regex_field) {
          field_data = field_value(*regex_field);
          match = match_field(field_data, *expression);
          proceed = match.count;
          debug(indent,
                fmt::format("Regex ({}) [{}] {}({}) =~ /{}/ match={}", proceed ? "PASS" : "FAIL",
                            exten_name, *regex_field, field_data, *expression, mode));
          if (proceed) {
            ++pass;
            if (!all && !exclusive) break;
          } else {
            ++fail;
            if (all && !exclusive) break;
          }
        } else if (!regex_time || *regex_time) {
          if (!regex_time) {
            debug(indent, fmt::format("Absolute Condition [{}] match={}", exten_name, mode));
          }
          ++pass;
          proceed = 1;
          if (!all && !exclusive) break;
        } else {
          ++fail;
          if (all) break;
        }
        if (regex_field && expression->find('(') != std::string::npos) {
          std::string name = fmt::format("DP_REGEX_MATCH_{}", total);
          store_captures(channel_, name, match, proceed);
          saved = Saved{*expression, field_data, std::move(match), proceed};
        }
        match = RegexMatch{};
        if (last_was_expanded) expression.reset();
      }
      if (exclusive) {
        if (pass == 1) anti_action = false;
      } else if ((all && fail == 0) || (!all && pass > 0)) {
        anti_action = false;
      }
      if (last_was_expanded) expression.reset();
      if (saved && saved->match.count > 0) {
        expression = saved->expression;
        field_data = saved->field_data;
        action_field = saved->field_data;
        match = std::move(saved->match);
        proceed = saved->proceed;
      }
    } else {
      std::string raw = expression_text(condition);
      expression = text::needs_expansion(raw) ? channel_.expand(raw) : raw;
      if (field) {
        action_field = std::string(*field);
        field_data = field_value(*field);
        match = match_field(field_data, *expression);
        proceed = match.count;
        debug(indent,
              fmt::format("Regex ({}) [{}] {}({}) =~ /{}/ break={}", proceed ? "PASS" : "FAIL",
                          exten_name, *field, field_data, *expression, break_name));
        if (proceed) anti_action = false;
      } else if (!time_match) {
        debug(indent, fmt::format("Absolute Condition [{}]", exten_name));
        anti_action = false;
        proceed = 1;
      }
    }

    if (anti_action) {
      for (pugi::xml_node action : condition.children("anti-action")) {
        std::string application = action.attribute("application").value();
        std::string data = action_data(action);
        bool run_inline = text::switch_true(action.attribute("inline").value());
        ensure_extension(exten_name);
        pugi::xml_attribute loop = action.attribute("loop");
        for (int n = loop ? text::c_atoi(loop.value()) : 1; n > 0; --n) {
          run_action(indent, "ANTI-Action", application, data, run_inline);
        }
        proceed = 1;
      }
    } else {
      bool substitute = action_field && expression && expression->find('(') != std::string::npos;
      if (substitute) store_captures(channel_, "DP_MATCH", match, proceed);
      for (pugi::xml_node action : condition.children("action")) {
        std::string application = action.attribute("application").value();
        std::string data = action_data(action);
        bool run_inline = text::switch_true(action.attribute("inline").value());
        if (substitute) {
          // FreeSWITCH substitutes into a buffer of (data + field + 10) * match count bytes.
          std::size_t limit = std::string::npos;
          if (proceed > 0) {
            limit = (data.size() + field_data.size() + 10) * static_cast<std::size_t>(proceed) - 1;
          }
          data = perform_substitution(match, data, limit);
        }
        ensure_extension(exten_name);
        pugi::xml_attribute loop = action.attribute("loop");
        for (int n = loop ? text::c_atoi(loop.value()) : 1; n > 0; --n) {
          run_action(indent, "Action", application, data, run_inline);
        }
      }
    }

    if ((!anti_action && break_rule == BreakRule::kOnTrue) ||
        (anti_action && break_rule == BreakRule::kOnFalse) || break_rule == BreakRule::kAlways) {
      break;
    }
    if (proceed && condition.child("condition")) {
      proceed = parse(condition, top_name, recursion + 1) ? 1 : 0;
      if (!proceed) {
        if (break_rule == BreakRule::kNever) continue;
        break;
      }
    }
  }
  if (!require_nested) proceed = 1;
  return proceed != 0;
}

}  // namespace

std::optional<Extension> xml_dialplan_hunt(pugi::xml_node dialplan_section,
                                           RoutingChannel& channel) {
  std::string context = channel.profile_field("context");
  if (context.empty()) context = "default";
  std::string destination = channel.profile_field("destination_number");
  channel.log(
      kLogInfo,
      fmt::format("Processing {} <{}>->{} in context {}\n", channel.profile_field("caller_id_name"),
                  channel.profile_field("caller_id_number"), destination, context));
  if (!dialplan_section) return std::nullopt;
  pugi::xml_node xcontext = find_named_child(dialplan_section, "context", context);
  if (!xcontext) xcontext = find_named_child(dialplan_section, "context", "global");
  if (!xcontext) {
    channel.log(kLogWarning, fmt::format("Context {} not found\n", context));
    return std::nullopt;
  }

  pugi::xml_node xexten;
  if (std::optional<std::string> hunt = channel.variable("auto_hunt");
      hunt && text::switch_true(*hunt)) {
    xexten = find_named_child(xcontext, "extension", destination);
  }
  if (!xexten) xexten = xcontext.child("extension");

  std::optional<Extension> extension;
  ExtensionParser parser(channel, extension);
  std::string channel_name = channel.profile_field("chan_name");
  for (; xexten; xexten = next_same_name(xexten)) {
    std::optional<std::string_view> cont = attribute(xexten, "continue");
    std::optional<std::string_view> name = attribute(xexten, "name");
    std::string_view exten_name = name ? *name : "UNKNOWN";
    channel.log(kLogDebug, fmt::format("Dialplan: {} parsing [{}->{}] continue={}\n", channel_name,
                                       context, exten_name, cont ? *cont : "false"));
    bool matched = parser.parse(xexten, exten_name, 0);
    if (matched && !(cont && text::switch_true(*cont))) break;
  }
  return extension;
}

}  // namespace es::sw
