// Fuzzes the originate argument and dial-string grammar (docs/call-behaviour.md §8): originate's
// word split, the ":_:" enterprise split, the '|' / ',' split and the <> {} [] variable blocks.
#include <cstdint>
#include <string>

#include "fuzz_fields.hpp"
#include "switch/dialstring/dial_string.hpp"
#include "switch/dialstring/originate_args.hpp"

namespace {

using es::fuzz::require;

void check_dial(std::string_view text) {
  auto result = es::sw::parse_dial_string(text);
  require(result.dial.has_value() != !result.error.empty());
  if (!result.dial) return;
  const es::sw::DialString& dial = *result.dial;
  for (const auto& group : dial.groups) {
    for (const auto& leg : group.legs) {
      es::sw::VarList effective = es::sw::effective_leg_vars(dial, leg);
      es::sw::VarList handed = es::sw::originate_leg_vars(dial, leg);
      // Both lists hold one entry per name.
      for (const auto& [name, value] : handed.vars) require(handed.find(name) != nullptr);
      (void)effective;
      std::string dest = es::sw::destination_from_data(leg.data);
      require(!dest.empty());
      (void)es::sw::callee_number_from_destination(dest);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  auto in = es::fuzz::read_fields<1>(input, size);
  std::string_view text = in.field[0];

  auto args = es::sw::parse_originate_args(text);
  require(args.args.has_value() != !args.error_text.empty());
  std::string app, arg;
  bool has_arg = false;
  es::sw::split_app_call(text, app, arg, has_arg);
  (void)es::sw::mentions_nested_vars(text);

  // The originate command's own path: the enterprise split, then each part on its own.
  std::string_view url = args.args ? std::string_view(args.args->call_url) : text;
  if (es::sw::is_enterprise_dial_string(url)) {
    for (const std::string& part : es::sw::split_enterprise(url)) check_dial(part);
  } else {
    auto parts = es::sw::split_enterprise(url);
    require(parts.size() == 1 && parts[0] == url);
    check_dial(url);
  }
  return 0;
}
