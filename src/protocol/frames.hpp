// Builders for every message the server writes (docs/wire-protocol.md §2). Byte-exact templates.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace es::protocol {

enum class EventFormat : unsigned char { kPlain = 0, kJson = 1, kXml = 2 };
inline constexpr int kEventFormatCount = 3;

std::string_view format_name(EventFormat format);  // "plain", "json", "xml"
// Case-insensitive "plain"/"json"/"xml".
std::optional<EventFormat> parse_format(std::string_view word);

inline constexpr std::string_view kGoodbyeText =
    "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
inline constexpr std::string_view kShutdownText = "The system is being shut down.\n";
inline constexpr std::string_view kLostEventsText = "killed listener because of lost events\n";
inline constexpr std::string_view kLostLogsText = "killed listener because of lost log lines\n";
// Sent when a disconnect notice is requested with an empty text.
inline constexpr std::string_view kDefaultDisconnectText = "Disconnected.\n";
inline constexpr std::string_view kAuthRequest = "Content-Type: auth/request\n\n";
inline constexpr std::string_view kRudeRejection =
    "Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n";
// Reply-Text is built in a 512-byte buffer by FreeSWITCH: longer texts are cut to 511 bytes.
inline constexpr std::size_t kMaxReplyText = 511;

// "Content-Type: command/reply\nReply-Text: <text>\n\n" (text truncated to kMaxReplyText).
std::string command_reply(std::string_view reply_text);
// "Content-Type: command/reply\n" + header lines (each ending in \n) + "\n".
std::string command_reply_with_headers(std::string_view header_lines);
// "Content-Type: api/response\nContent-Length: <n>\n\n<body>".
std::string api_response(std::string_view body);
// Appends "Content-Length: <n>\nContent-Type: text/event-<fmt>\n\n<serialized>".
void append_event_frame(std::string& out, EventFormat format, std::string_view serialized);
std::string event_frame(EventFormat format, std::string_view serialized);

struct LogFrameFields {
  int level = 7;
  int text_channel = 0;
  std::string_view file;
  std::string_view function;
  int line = 0;
  std::string_view user_data;  // session uuid or empty
};
std::string log_frame(const LogFrameFields& fields, std::string_view body);

// Disconnect notice; with a controlled session uuid it carries Controlled-Session-UUID and
// Content-Disposition: disconnect. An empty body becomes kDefaultDisconnectText.
std::string disconnect_notice(std::string_view body, std::string_view controlled_uuid = {});
// Linger notice sent when a controlled call hangs up while lingering (Content-Length: 0).
std::string linger_notice(std::string_view uuid, std::string_view channel_name, int linger_seconds);

}  // namespace es::protocol
