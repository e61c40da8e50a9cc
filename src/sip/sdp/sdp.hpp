#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace es::sip::sdp {

// The part of an SDP (RFC 4566) offer or answer a G.711 audio leg needs: where to send audio
// and which payload types carry what. Only the first audio m= line is read. The text comes
// from the network: sizes and counts are bounded and anything unreadable is skipped.
inline constexpr std::size_t kMaxSdpBytes = 16 * 1024;
inline constexpr std::size_t kMaxFormats = 32;

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };

struct PayloadFormat {
  int payload_type = -1;
  std::string encoding;  // upper case, e.g. "PCMU", "TELEPHONE-EVENT"
  int clock_rate = 0;
};

struct AudioOffer {
  std::string connection_ip;           // the media-level c= if present, else the session-level one
  std::uint16_t port = 0;              // 0: the stream is refused
  std::vector<PayloadFormat> formats;  // in the m= line's order
  Direction direction = Direction::kSendRecv;
  int ptime_ms = 0;  // 0 when not given
};

// Nothing when there is no usable audio stream (too large, no m=audio with an RTP/AVP
// profile and a port, no IPv4/IPv6 address).
std::optional<AudioOffer> parse_audio(std::string_view text);

struct Negotiated {
  int payload_type = 0;
  std::string codec;  // "PCMU" or "PCMA"
  std::optional<int> telephone_event_type;
};

// The first codec of the offer (its order, as FreeSWITCH's default "generous" inbound codec
// negotiation) that is also in `codec_prefs` (e.g. {"PCMU", "PCMA"}); nothing means 488.
std::optional<Negotiated> negotiate(const AudioOffer& offer,
                                    const std::vector<std::string>& codec_prefs);

// An SDP for our side: the chosen codec, telephone-event when negotiated, 20 ms ptime.
std::string build(std::string_view ip, std::uint16_t port, const Negotiated& media,
                  std::uint64_t session_id, std::uint64_t version);

// Our offer for an outbound call: the codecs of `codec_prefs` we carry (PCMU 0, PCMA 8, in
// that order; others are left out) and telephone-event as payload type
// kOfferTelephoneEventType, 20 ms ptime, sendrecv.
inline constexpr int kOfferTelephoneEventType = 101;
std::string build_offer(std::string_view ip, std::uint16_t port,
                        const std::vector<std::string>& codec_prefs, std::uint64_t session_id,
                        std::uint64_t version);

}  // namespace es::sip::sdp
