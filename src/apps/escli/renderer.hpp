// Turns what the switch sends into text for the terminal (or JSON lines for scripts): api
// replies, command replies, log lines coloured by level as fs_cli colours them, and events
// with aligned headers or as indented JSON. Pure functions of their input: no I/O here.
#pragma once

#include <string>
#include <string_view>

#include "client/connection.hpp"
#include "protocol/frames.hpp"

namespace es::apps::escli {

inline constexpr std::string_view kColorReset = "\033[m";

// fs_cli's palette by Log-Level: 0 default, 1-3 (ALERT, CRIT, ERR) red, 4 (WARNING) magenta,
// 5 (NOTICE) cyan, 6 (INFO) green, 7 (DEBUG) yellow; other levels the default.
std::string_view log_level_color(int level);

struct RenderStyle {
  bool color = true;  // ANSI colours
  bool json = false;  // one JSON object per line
  bool log_uuid = false;
  std::size_t log_uuid_length = 0;  // 0: whole UUID
  std::string output_color;         // put before replies when colour is on (may be empty)
};

class Renderer {
 public:
  explicit Renderer(RenderStyle style) : style_(std::move(style)) {}
  const RenderStyle& style() const { return style_; }

  // The reply of "api <command>": the body ending in a newline, or {"command","reply"}.
  std::string api_reply(std::string_view command, std::string_view body) const;
  // The Reply-Text of a socket command (/event, /log ...), the same way.
  std::string command_reply(std::string_view command, std::string_view reply_text) const;
  // A log/data line; empty when it carries nothing to show.
  std::string log_line(const client::LogLine& line) const;
  // An event received in `format`: aligned "Name: value" headers (plain), indented JSON
  // (json), the document itself (xml); a compact JSON line in json mode.
  std::string event(const client::Event& event, protocol::EventFormat format) const;

 private:
  std::string colored(std::string_view color, std::string text) const;
  RenderStyle style_;
};

}  // namespace es::apps::escli
