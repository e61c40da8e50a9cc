// Fuzzes ${...} / $${...} expansion (docs/call-behaviour.md §6.3) in both modes: field 0 is the
// text, field 1 "name=value" lines for the globals, field 2 the same for the channel/event lookup,
// field 3 what the API callback returns. Flags: bit 0 channel mode, bit 1 API expansion enabled.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/global_vars.hpp"
#include "fuzz_fields.hpp"

namespace {

template <typename Visit>
void each_assignment(std::string_view lines, Visit visit) {
  while (!lines.empty()) {
    std::size_t end = lines.find('\n');
    std::string_view line = lines.substr(0, end);
    std::size_t eq = line.find('=');
    if (eq != std::string_view::npos) visit(line.substr(0, eq), line.substr(eq + 1));
    if (end == std::string_view::npos) break;
    lines.remove_prefix(end + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  auto in = es::fuzz::read_fields<4>(input, size);
  es::core::GlobalVars globals;
  each_assignment(in.field[1], [&](auto name, auto value) { globals.set(name, value); });
  std::map<std::string, std::string, std::less<>> channel;
  each_assignment(in.field[2],
                  [&](auto name, auto value) { channel[std::string(name)] = std::string(value); });
  std::string api_output(in.field[3]);

  es::core::ExpansionScope scope;
  scope.channel_mode = (in.flags & 1) != 0;
  scope.api_enabled = (in.flags & 2) != 0;
  // Channel mode expands every value found again, so a value naming itself twice ("x" =
  // "${x}${x}") doubles the work per level. The product stops such an expansion at
  // kExpansionMaxSteps references; the harness also stops answering after as many lookups,
  // which keeps each run short without hiding the product's own bound.
  constexpr std::size_t kLookupBudget = es::core::kExpansionMaxSteps;
  std::size_t lookups = 0;
  scope.lookup = [&](std::string_view name, int index) -> std::optional<std::string> {
    if (++lookups > kLookupBudget) return std::nullopt;
    auto it = channel.find(name);
    if (it == channel.end()) return scope.channel_mode ? globals.get(name) : std::nullopt;
    if (index < 0) return it->second;
    return index == 0 ? std::optional<std::string>(it->second) : std::nullopt;
  };
  scope.api = [&](std::string_view cmd, std::string_view arg) {
    return cmd == "echo" ? std::string(arg) : api_output;
  };
  (void)es::core::expand_variables(in.field[0], globals, scope);

  // The event-mode convenience form with a name-only lookup.
  es::core::VarLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    auto it = channel.find(name);
    if (it == channel.end()) return std::nullopt;
    return it->second;
  };
  (void)es::core::expand_variables(in.field[0], globals, lookup);
  return 0;
}
