#include "switch/dialstring/originate_args.hpp"

#include <climits>
#include <vector>

#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::sw {
namespace {

using text::c_atol;
using text::separate_string;

// originate_function splits into at most this many words, then accepts 2..7.
constexpr std::size_t kMaxWords = 10;
constexpr std::size_t kMinArgs = 2;
constexpr std::size_t kMaxArgs = 7;
constexpr int kDefaultTimeout = 60;

int timeout_from_word(std::string_view word) {
  long long value = c_atol(word);
  if (value == 0) return kDefaultTimeout;
  // atoi stored into an unsigned 32-bit value: negatives wrap to huge timeouts.
  if (value < 0 || value > INT_MAX) return INT_MAX;
  return static_cast<int>(value);
}

OriginateArgsResult usage() {
  return OriginateArgsResult{std::nullopt, std::string(kOriginateUsage)};
}

}  // namespace

void split_app_call(std::string_view text, std::string& app, std::string& arg, bool& has_arg) {
  text = text.substr(0, text.find(')'));
  std::size_t open = text.find('(');
  has_arg = open != std::string_view::npos;
  app = std::string(text.substr(0, open));
  arg = has_arg ? std::string(text.substr(open + 1)) : std::string();
}

OriginateArgsResult parse_originate_args(std::string_view arg) {
  if (arg.empty()) return usage();
  std::vector<std::string> words = separate_string(arg, ' ', kMaxWords);
  if (words.size() < kMinArgs || words.size() > kMaxArgs) return usage();

  std::vector<std::optional<std::string>> given(kMaxArgs);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!protocol::iequals(words[i], "undef")) given[i] = std::move(words[i]);
  }
  if (!given[1]) return usage();

  OriginateArgs out;
  if (given[0]) out.call_url = *given[0];
  out.exten = *given[1];
  if (out.exten.size() > 1 && out.exten[0] == '&') {
    out.is_app = true;
    split_app_call(std::string_view(out.exten).substr(1), out.app, out.app_arg, out.app_has_arg);
  }
  if (given[2]) out.dialplan = *given[2];
  if (given[3]) out.context = *given[3];
  out.cid_name = given[4];
  out.cid_num = given[5];
  if (given[6]) out.timeout_s = timeout_from_word(*given[6]);
  return OriginateArgsResult{std::move(out), {}};
}

}  // namespace es::sw
