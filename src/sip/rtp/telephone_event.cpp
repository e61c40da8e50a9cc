#include "sip/rtp/telephone_event.hpp"

#include <string_view>

namespace es::sip::rtp {
namespace {

constexpr std::string_view kDigits = "0123456789*#ABCD";
constexpr std::uint32_t kTimestampUnitsPerMs = 8;

}  // namespace

std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) {
  if (payload.size() < kTelephoneEventBytes) return std::nullopt;
  TelephoneEvent event;
  event.event = payload[0];
  event.end = (payload[1] & 0x80) != 0;
  event.volume = payload[1] & 0x3F;
  event.duration = static_cast<std::uint16_t>((payload[2] << 8) | payload[3]);
  return event;
}

void write_telephone_event(const TelephoneEvent& event, std::span<std::uint8_t, 4> out) {
  out[0] = event.event;
  out[1] = static_cast<std::uint8_t>((event.end ? 0x80 : 0x00) | (event.volume & 0x3F));
  out[2] = static_cast<std::uint8_t>(event.duration >> 8);
  out[3] = static_cast<std::uint8_t>(event.duration & 0xFF);
}

std::optional<char> dtmf_digit(std::uint8_t event) {
  if (event >= kDigits.size()) return std::nullopt;
  return kDigits[event];
}

std::optional<std::uint8_t> dtmf_event_code(char digit) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  const auto at = kDigits.find(digit);
  if (at == std::string_view::npos) return std::nullopt;
  return static_cast<std::uint8_t>(at);
}

std::vector<ReceivedDigit> TelephoneEventReceiver::on_packet(
    std::uint32_t rtp_timestamp, std::span<const std::uint8_t> payload) {
  std::vector<ReceivedDigit> out;
  const auto event = parse_telephone_event(payload);
  if (!event) {
    ++malformed_;
    return out;
  }
  const bool same_event = have_last_ && rtp_timestamp == last_timestamp_;
  if (!same_event) {
    // A new event: whatever was still open lost its end packets.
    if (active_) {
      if (const auto digit = dtmf_digit(active_event_))
        out.push_back({*digit, active_duration_ / kTimestampUnitsPerMs});
    }
    have_last_ = true;
    last_timestamp_ = rtp_timestamp;
    reported_ = false;
    active_ = false;
  }
  if (reported_) return out;  // the repeated end packets of an event already reported
  active_ = true;
  active_event_ = event->event;
  if (event->duration > active_duration_ || !same_event) active_duration_ = event->duration;
  if (event->end) {
    if (const auto digit = dtmf_digit(active_event_))
      out.push_back({*digit, active_duration_ / kTimestampUnitsPerMs});
    reported_ = true;
    active_ = false;
  }
  return out;
}

}  // namespace es::sip::rtp
