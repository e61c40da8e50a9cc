#include "apps/escli/renderer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "apps/escli/json_text.hpp"

namespace es::apps::escli {
namespace {

constexpr std::string_view kEventTitleColor = "\033[1;36m";  // bold cyan
constexpr std::string_view kHeaderNameColor = "\033[36m";

std::string with_newline(std::string_view text) {
  std::string out(text);
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

JsonMembers event_members(const client::Event& event) {
  JsonMembers members;
  members.reserve(event.headers.size() + 1);
  for (const auto& header : event.headers) members.emplace_back(header.name, header.value);
  if (!event.body.empty()) members.emplace_back("_body", event.body);
  return members;
}

bool is_xml_event(const client::Event& event) {
  const std::string* type = event.header("Content-Type");
  return type && *type == "text/event-xml";
}

}  // namespace

std::string_view log_level_color(int level) {
  static constexpr std::array<std::string_view, 8> kPalette = {kColorReset, "\033[31m", "\033[31m",
                                                               "\033[31m",  "\033[35m", "\033[36m",
                                                               "\033[32m",  "\033[33m"};
  if (level < 0 || level >= static_cast<int>(kPalette.size())) return kColorReset;
  return kPalette[static_cast<std::size_t>(level)];
}

std::string Renderer::colored(std::string_view color, std::string text) const {
  if (!style_.color || color.empty()) return text;
  return fmt::format("{}{}{}", color, text, kColorReset);
}

std::string Renderer::api_reply(std::string_view command, std::string_view body) const {
  if (style_.json)
    return json_object_line({{"command", std::string(command)}, {"reply", std::string(body)}}) +
           "\n";
  return colored(style_.output_color, with_newline(body));
}

std::string Renderer::command_reply(std::string_view command, std::string_view reply_text) const {
  return api_reply(command, reply_text);
}

std::string Renderer::log_line(const client::LogLine& line) const {
  const std::string* uuid = protocol::find_header(line.headers, "User-Data");
  if (style_.json) {
    std::string out = fmt::format("{{\"log_level\":{}", line.level());
    if (uuid && !uuid->empty()) out += ",\"uuid\":" + json_quote(*uuid);
    out += ",\"text\":" + json_quote(line.text) + "}\n";
    return out;
  }
  if (line.text.empty() || line.text == "\n") return {};
  std::string text;
  if (style_.log_uuid && uuid && !uuid->empty()) {
    std::size_t shown =
        style_.log_uuid_length ? std::min(style_.log_uuid_length, uuid->size()) : uuid->size();
    text = uuid->substr(0, shown) + " ";
  }
  text += with_newline(line.text);
  return colored(log_level_color(line.level()), std::move(text));
}

std::string Renderer::event(const client::Event& event, protocol::EventFormat format) const {
  if (style_.json) {
    if (is_xml_event(event)) return json_object_line({{"_xml", event.body}}) + "\n";
    return json_object_line(event_members(event)) + "\n";
  }
  std::string_view name = event.name();
  std::string title = fmt::format("RECV EVENT {}\n", name.empty() ? "(unnamed)" : name);
  std::string out = colored(kEventTitleColor, title);
  if (is_xml_event(event)) return out + with_newline(event.body) + "\n";
  if (format == protocol::EventFormat::kJson) {
    return out + json_object_pretty(event_members(event)) + "\n\n";
  }
  std::size_t width = 0;
  for (const auto& header : event.headers) width = std::max(width, header.name.size() + 1);
  for (const auto& header : event.headers) {
    std::string name_column = fmt::format("{:<{}}", header.name + ":", width);
    // A value spanning lines keeps its later lines under the value column.
    std::string value;
    for (char c : header.value) {
      value += c;
      if (c == '\n') value.append(width + 3, ' ');
    }
    out += fmt::format("  {} {}\n", colored(kHeaderNameColor, name_column), value);
  }
  if (!event.body.empty()) {
    out += '\n';
    out += with_newline(event.body);
  }
  return out + "\n";
}

}  // namespace es::apps::escli
