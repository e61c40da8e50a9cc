// Fuzzes MessageParser (and parse_header_block on every body): one whole feed and one feed in
// fragments sized by the input must give the same messages; bodies match Content-Length.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_plan.hpp"
#include "protocol/header_fields.hpp"
#include "protocol/message_parser.hpp"

namespace {

using es::protocol::Message;
using es::protocol::MessageParser;
using es::protocol::ParserLimits;
using es::protocol::ParseStatus;

void require(bool condition) {
  if (!condition) std::abort();
}

void check_message(const Message& message, const ParserLimits& limits, bool decoded) {
  require(message.body.size() <= limits.max_body);
  for (const auto& field : message.headers) {
    require(field.name.find_first_of(":\n") == std::string::npos);
    if (!decoded) require(field.value.find('\n') == std::string::npos);
  }
  const std::string* length = message.header("Content-Length");
  if (length == nullptr) {
    require(message.body.empty());
  } else {
    require(static_cast<std::size_t>(es::protocol::parse_c_integer(*length)) ==
            message.body.size());
  }
  // An event-plain body is parsed again by clients; it must never misbehave either.
  Message inner = es::protocol::parse_header_block(message.body, decoded);
  require(inner.body.size() <= message.body.size());
}

struct Run {
  std::vector<Message> messages;
  bool failed = false;
};

void drain(MessageParser& parser, Run& run, const ParserLimits& limits, bool decode) {
  if (run.failed) return;
  Message message;
  for (;;) {
    ParseStatus status = parser.next(message);
    if (status == ParseStatus::kNeedMore) return;
    if (status == ParseStatus::kBodyTooLarge) {
      run.failed = true;
      require(parser.next(message) == ParseStatus::kBodyTooLarge);
      return;
    }
    check_message(message, limits, decode);
    run.messages.push_back(message);
  }
}

bool same_messages(const std::vector<Message>& a, const std::vector<Message>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].body != b[i].body || !es::fuzz::same_fields(a[i].headers, b[i].headers)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  es::fuzz::FuzzPlan plan = es::fuzz::read_plan(input, size);
  bool decode = plan.flag;

  Run whole;
  MessageParser whole_parser(plan.limits, decode);
  whole_parser.feed(plan.data);
  drain(whole_parser, whole, plan.limits, decode);

  Run pieces;
  MessageParser piece_parser(plan.limits, decode);
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < plan.data.size(); ++i) {
    std::size_t length = plan.fragment(i);
    piece_parser.feed(plan.data.substr(pos, length));
    drain(piece_parser, pieces, plan.limits, decode);
    pos += length;
  }

  require(whole.failed == pieces.failed);
  require(same_messages(whole.messages, pieces.messages));
  if (!whole.failed) require(whole_parser.buffered_bytes() == piece_parser.buffered_bytes());

  // The raw input is also a plausible event-plain body.
  Message inner = es::protocol::parse_header_block(plan.data, decode);
  require(inner.body.size() <= plan.data.size());
  return 0;
}
