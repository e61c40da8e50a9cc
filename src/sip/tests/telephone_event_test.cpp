#include "sip/rtp/telephone_event.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace es::sip::rtp {
namespace {

std::array<std::uint8_t, 4> payload(std::uint8_t event, bool end, std::uint16_t duration) {
  std::array<std::uint8_t, 4> out{};
  write_telephone_event({event, end, 10, duration}, out);
  return out;
}

std::string digits_of(const std::vector<ReceivedDigit>& got) {
  std::string out;
  for (const auto& d : got) out += d.digit;
  return out;
}

TEST(TelephoneEvent, ParsesTheWireLayout) {
  const std::array<std::uint8_t, 4> bytes{11, 0x80 | 10, 0x03, 0x20};
  const auto event = parse_telephone_event(bytes);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->event, 11);
  EXPECT_TRUE(event->end);
  EXPECT_EQ(event->volume, 10);
  EXPECT_EQ(event->duration, 800);
  EXPECT_FALSE(parse_telephone_event(std::span(bytes).first(3)));
  std::array<std::uint8_t, 4> back{};
  write_telephone_event(*event, back);
  EXPECT_EQ(back, bytes);
}

TEST(TelephoneEvent, DigitCodesBothWays) {
  const std::string all = "0123456789*#ABCD";
  for (std::uint8_t code = 0; code < 16; ++code) {
    EXPECT_EQ(dtmf_digit(code), all[code]);
    EXPECT_EQ(dtmf_event_code(all[code]), code);
  }
  EXPECT_FALSE(dtmf_digit(16));  // flash
  EXPECT_EQ(dtmf_event_code('b'), 13);
  EXPECT_FALSE(dtmf_event_code('x'));
}

TEST(TelephoneEvent, ReportsEachDigitOnceAtItsEnd) {
  TelephoneEventReceiver rx;
  std::string got;
  // '5' at timestamp 1000: three progress packets, then the end packet three times.
  for (std::uint16_t d : {160, 320, 480})
    got += digits_of(rx.on_packet(1000, payload(5, false, d)));
  EXPECT_EQ(got, "");
  for (int i = 0; i < 3; ++i) {
    const auto done = rx.on_packet(1000, payload(5, true, 640));
    if (i == 0) {
      ASSERT_EQ(done.size(), 1U);
      EXPECT_EQ(done[0].digit, '5');
      EXPECT_EQ(done[0].duration_ms, 80U);
    } else {
      EXPECT_TRUE(done.empty());
    }
  }
  // '#' then '1', with ordinary end packets.
  got += digits_of(rx.on_packet(5000, payload(11, false, 160)));
  got += digits_of(rx.on_packet(5000, payload(11, true, 800)));
  got += digits_of(rx.on_packet(9000, payload(1, true, 800)));
  EXPECT_EQ(got, "#1");
}

TEST(TelephoneEvent, ReportsADigitWhoseEndPacketsWereLost) {
  TelephoneEventReceiver rx;
  EXPECT_TRUE(rx.on_packet(100, payload(7, false, 160)).empty());
  EXPECT_TRUE(rx.on_packet(100, payload(7, false, 480)).empty());
  const auto got = rx.on_packet(2000, payload(8, true, 320));
  EXPECT_EQ(digits_of(got), "78");
  EXPECT_EQ(got[0].duration_ms, 60U);
}

TEST(TelephoneEvent, IgnoresShortPayloadsAndNonDigitEvents) {
  TelephoneEventReceiver rx;
  const std::array<std::uint8_t, 2> short_payload{1, 0x80};
  EXPECT_TRUE(rx.on_packet(1, short_payload).empty());
  EXPECT_EQ(rx.malformed(), 1U);
  EXPECT_TRUE(rx.on_packet(2, payload(16, true, 800)).empty());  // hook flash: no digit
  EXPECT_EQ(digits_of(rx.on_packet(3, payload(0, true, 800))), "0");
}

}  // namespace
}  // namespace es::sip::rtp
