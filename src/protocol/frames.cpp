#include "protocol/frames.hpp"

#include <array>
#include <charconv>

#include "protocol/header_fields.hpp"

namespace es::protocol {

namespace {

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  std::array<char, 24> digits;
  auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), result.ptr);
}

}  // namespace

std::string_view format_name(EventFormat format) {
  switch (format) {
    case EventFormat::kPlain:
      return "plain";
    case EventFormat::kJson:
      return "json";
    case EventFormat::kXml:
      return "xml";
  }
  return "plain";
}

std::optional<EventFormat> parse_format(std::string_view word) {
  for (EventFormat format : {EventFormat::kPlain, EventFormat::kJson, EventFormat::kXml}) {
    if (iequals(word, format_name(format))) return format;
  }
  return std::nullopt;
}

std::string command_reply(std::string_view reply_text) {
  reply_text = reply_text.substr(0, kMaxReplyText);
  std::string out;
  out.reserve(44 + reply_text.size());
  out.append("Content-Type: command/reply\nReply-Text: ");
  out.append(reply_text);
  out.append("\n\n");
  return out;
}

std::string command_reply_with_headers(std::string_view header_lines) {
  std::string out;
  out.reserve(30 + header_lines.size());
  out.append("Content-Type: command/reply\n");
  out.append(header_lines);
  out.push_back('\n');
  return out;
}

std::string api_response(std::string_view body) {
  std::string out;
  out.reserve(64 + body.size());
  out.append("Content-Type: api/response\nContent-Length: ");
  append_integer(out, body.size());
  out.append("\n\n");
  out.append(body);
  return out;
}

void append_event_frame(std::string& out, EventFormat format, std::string_view serialized) {
  std::string_view name = format_name(format);
  out.reserve(out.size() + 64 + serialized.size());
  out.append("Content-Length: ");
  append_integer(out, serialized.size());
  out.append("\nContent-Type: text/event-");
  out.append(name);
  out.append("\n\n");
  out.append(serialized);
}

std::string event_frame(EventFormat format, std::string_view serialized) {
  std::string out;
  append_event_frame(out, format, serialized);
  return out;
}

// FreeSWITCH formats these headers into a 1024-byte buffer, so absurdly long file or function
// names would be cut there, taking the blank line with them and desynchronizing the stream; we
// deliberately send the whole block instead.
std::string log_frame(const LogFrameFields& fields, std::string_view body) {
  std::string out;
  out.reserve(160 + fields.file.size() + fields.function.size() + fields.user_data.size() +
              body.size());
  out.append("Content-Type: log/data\nContent-Length: ");
  append_integer(out, body.size());
  out.append("\nLog-Level: ");
  append_integer(out, fields.level);
  out.append("\nText-Channel: ");
  append_integer(out, fields.text_channel);
  out.append("\nLog-File: ");
  out.append(fields.file);
  out.append("\nLog-Func: ");
  out.append(fields.function);
  out.append("\nLog-Line: ");
  append_integer(out, fields.line);
  out.append("\nUser-Data: ");
  out.append(fields.user_data);
  out.append("\n\n");
  out.append(body);
  return out;
}

std::string disconnect_notice(std::string_view body, std::string_view controlled_uuid) {
  if (body.empty()) body = kDefaultDisconnectText;
  std::string out;
  out.reserve(160 + controlled_uuid.size() + body.size());
  out.append("Content-Type: text/disconnect-notice\n");
  if (!controlled_uuid.empty()) {
    out.append("Controlled-Session-UUID: ");
    out.append(controlled_uuid);
    out.append("\nContent-Disposition: disconnect\n");
  }
  out.append("Content-Length: ");
  append_integer(out, body.size());
  out.append("\n\n");
  out.append(body);
  return out;
}

std::string linger_notice(std::string_view uuid, std::string_view channel_name,
                          int linger_seconds) {
  std::string out;
  out.reserve(200 + uuid.size() + channel_name.size());
  out.append("Content-Type: text/disconnect-notice\nControlled-Session-UUID: ");
  out.append(uuid);
  out.append("\nContent-Disposition: linger\nChannel-Name: ");
  out.append(channel_name);
  out.append("\nLinger-Time: ");
  append_integer(out, linger_seconds);
  out.append("\nContent-Length: 0\n\n");
  return out;
}

}  // namespace es::protocol
