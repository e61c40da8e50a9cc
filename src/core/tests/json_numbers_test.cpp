// JSON with number-like header values as numbers (the opt-in of docs/event-formats.md §4.5):
// which values qualify, how the event is written, and that the fired event caches it as a
// format of its own beside the string-valued JSON.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/event_serializer.hpp"
#include "core/fired_event.hpp"

namespace es::core {
namespace {

using protocol::EventFormat;

TEST(JsonNumberText, CanonicalDecimalsQualify) {
  for (std::string_view value :
       {"0", "7", "-7", "42", "1741083630123456", "9007199254740991", "-9007199254740991", "0.5",
        "-0.5", "98.7", "12345678901234.5", "3.14159265358979"}) {
    EXPECT_TRUE(is_json_number_text(value)) << value;
  }
}

TEST(JsonNumberText, OtherTextsStayStrings) {
  for (std::string_view value : {"",   // empty
                                 "-",  // sign alone
                                 "007",
                                 "00",
                                 "-01",  // leading zeros (phone numbers, extensions)
                                 "+1",
                                 "+15551234567",  // a '+' is not JSON
                                 "1e5",
                                 "1E5",
                                 "2.5e-3",  // exponents
                                 "-0",      // a reader would lose the sign
                                 "1.",
                                 ".5",
                                 "-.5",  // a dot needs digits on both sides
                                 "1.50",
                                 "98.700000",
                                 "0.0",  // trailing zeros would not survive a reader
                                 "9007199254740992",
                                 "12345678901234567",
                                 "-9007199254740992",  // beyond 2^53 - 1
                                 "1234567890123.456",  // 16 digits with a fraction
                                 "1 ",
                                 " 1",
                                 "1,5",
                                 "0x10",
                                 "12a",
                                 "NaN",
                                 "Infinity",
                                 "true",
                                 "null",
                                 "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21"}) {
    EXPECT_FALSE(is_json_number_text(value)) << '"' << value << '"';
  }
}

Event sample() {
  Event event(EventType::kCustom);
  event.add_header("Event-Date-Timestamp", "1741083630123456");
  event.add_header("Caller-Caller-ID-Number", "0123");
  event.add_header("Idle-CPU", "98.700000");
  event.add_header("Session-Count", "3");
  event.add_header("Variable_ratio", "-0.25");
  event.add_header("Core-UUID", "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21");
  return event;
}

TEST(JsonNumbers, NumberLikeValuesAreWrittenBare) {
  Event event = sample();
  std::string out;
  serialize_json(event, out, JsonValues::kNumbers);
  EXPECT_EQ(out, R"({"Event-Date-Timestamp":1741083630123456,)"
                 R"("Caller-Caller-ID-Number":"0123","Idle-CPU":"98.700000","Session-Count":3,)"
                 R"("Variable_ratio":-0.25,"Core-UUID":"6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21"})");
}

TEST(JsonNumbers, StringsModeIsUnchanged) {
  Event event = sample();
  std::string strings;
  std::string by_default;
  serialize_json(event, strings, JsonValues::kStrings);
  serialize(event, EventFormat::kJson, by_default);
  EXPECT_EQ(strings, by_default);
  EXPECT_NE(strings.find(R"("Session-Count":"3")"), std::string::npos);
}

TEST(JsonNumbers, ArraysStayStringsAndTheBodyLengthIsANumber) {
  Event event(EventType::kApi);
  event.add_header("Items", "ARRAY::1|:2");
  event.set_body("hello");
  std::string out;
  serialize_json(event, out, JsonValues::kNumbers);
  EXPECT_EQ(out, R"({"Items":["1","2"],"Content-Length":5,"_body":"hello"})");
}

TEST(JsonNumbers, FiredEventCachesItApartFromStringJson) {
  const FiredEvent fired(sample());
  std::string_view strings = fired.frame(EventFormat::kJson);
  std::string_view numbers = fired.frame(EventFormat::kJson, JsonValues::kNumbers);
  EXPECT_NE(strings, numbers);
  EXPECT_EQ(fired.frame(EventFormat::kJson, JsonValues::kNumbers).data(), numbers.data());
  EXPECT_EQ(fired.frame(EventFormat::kJson).data(), strings.data());
  EXPECT_TRUE(numbers.starts_with("Content-Length: "));
  EXPECT_NE(numbers.find("Content-Type: text/event-json\n\n{"), std::string_view::npos);
  EXPECT_NE(numbers.find(R"("Session-Count":3)"), std::string_view::npos);
  // Numbers only change JSON: other formats ignore the choice.
  EXPECT_EQ(fired.frame(EventFormat::kPlain, JsonValues::kNumbers).data(),
            fired.frame(EventFormat::kPlain).data());
}

}  // namespace
}  // namespace es::core
