#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace es::sip::rtp {

// RFC 4733 telephone-event payloads (the "rfc2833" dtmf-type): four bytes carrying the event
// code, an end flag, the volume and the duration so far in timestamp units (8 kHz).
inline constexpr std::size_t kTelephoneEventBytes = 4;

struct TelephoneEvent {
  std::uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 'A'-'D'
  bool end = false;
  std::uint8_t volume = 0;  // 0-63, -dBm0
  std::uint16_t duration = 0;
};

// Nothing for a payload shorter than four bytes. Extra bytes (several events in one packet,
// RFC 4733 2.5.1.5) are ignored: only the first event is read.
std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);
void write_telephone_event(const TelephoneEvent& event, std::span<std::uint8_t, 4> out);

// The DTMF character of a DTMF event code, or nothing for the other events (flash, tones).
std::optional<char> dtmf_digit(std::uint8_t event);
std::optional<std::uint8_t> dtmf_event_code(char digit);

struct ReceivedDigit {
  char digit = 0;
  std::uint32_t duration_ms = 0;
};

// Turns the stream of telephone-event packets into digits, each once. A sender repeats every
// event in several packets sharing the RTP timestamp of its start and repeats the final (end)
// packet three times; the digit is reported at the first end packet of its timestamp. When
// the end packets are all lost, a packet with a new timestamp reports the unfinished digit.
class TelephoneEventReceiver {
 public:
  // The digits completed by this packet (at most two: an unfinished one and this one).
  std::vector<ReceivedDigit> on_packet(std::uint32_t rtp_timestamp,
                                       std::span<const std::uint8_t> payload);
  std::uint64_t malformed() const { return malformed_; }

 private:
  bool active_ = false;    // an event with active_timestamp_ seen, not yet reported
  bool reported_ = false;  // the event of last_timestamp_ has been reported
  std::uint32_t last_timestamp_ = 0;
  std::uint8_t active_event_ = 0;
  std::uint16_t active_duration_ = 0;
  bool have_last_ = false;
  std::uint64_t malformed_ = 0;
};

}  // namespace es::sip::rtp
