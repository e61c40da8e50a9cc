#include "switch/dialplan/inline_dialplan.hpp"

#include <string>

#include "core/text/separate_string.hpp"

namespace es::sw {

std::optional<Extension> inline_dialplan_hunt(std::string_view arg, RoutingChannel& channel) {
  std::string text = arg.empty() ? channel.profile_field("destination_number") : std::string(arg);
  if (text.empty()) return std::nullopt;
  char delimiter = ',';
  if (text.size() >= 4 && text[0] == 'm' && text[1] == ':' && text[3] == ':') {
    delimiter = text[2];
    text.erase(0, 4);
  }
  // mod_dptools splits into at most 128 items; the last keeps the rest.
  constexpr std::size_t kMaxItems = 128;
  Extension extension{"inline", "inline", {}};
  for (const std::string& item : text::separate_string(text, delimiter, kMaxItems)) {
    std::size_t colon = item.find(':');
    std::string application = item.substr(0, colon);
    std::string data = colon == std::string::npos ? std::string() : item.substr(colon + 1);
    std::size_t first = application.find_first_not_of(' ');
    application.erase(0, first == std::string::npos ? application.size() : first);
    extension.actions.push_back({std::move(application), std::move(data)});
  }
  return extension;
}

}  // namespace es::sw
