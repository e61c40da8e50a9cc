#pragma once

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sip/rtp/g711.hpp"
#include "sip/rtp/jitter_buffer.hpp"
#include "sip/rtp/rtp_packet.hpp"
#include "sip/rtp/telephone_event.hpp"
#include "switch/media/frame.hpp"

namespace es::sip::rtp {

// The RTP port range (switch.conf's rtp-start-port / rtp-end-port). Streams take even ports
// (RTP's convention; the odd one above is RTCP's) in turn, skipping ones in use by others.
struct PortRange {
  std::uint16_t first = 16384;
  std::uint16_t last = 32768;
};

// Where the far end wants media and in which format, from its SDP.
struct RemoteMedia {
  asio::ip::udp::endpoint address;
  std::uint8_t payload_type = 0;                     // 0 PCMU, 8 PCMA
  std::optional<std::uint8_t> telephone_event_type;  // 101 usually; none: no RFC 4733
};

struct RtpStats {
  std::uint64_t packets_in = 0;
  std::uint64_t frames_in = 0;
  std::uint64_t dtmf_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t dtmf_out = 0;
  std::uint64_t dropped_malformed = 0;       // refused by parse_rtp
  std::uint64_t dropped_foreign_source = 0;  // not from the latched address
  std::uint64_t dropped_payload_type = 0;    // neither the codec nor telephone-event
  std::uint64_t dropped_frame_size = 0;      // audio that is not 20 ms
  std::uint64_t send_errors = 0;
};

// One call leg's media socket: receives, checks and decodes RTP into a jitter buffer the media
// clock pops every 20 ms, and encodes the frames the switch writes. Symmetric RTP: the first
// acceptable packet's source becomes the far end's address (NAT), later packets from elsewhere
// are dropped and counted. Receiving runs on the io_context; the other members may be called
// from any thread. Made with open(); close() before destruction stops the receive loop.
class RtpStream : public std::enable_shared_from_this<RtpStream> {
 public:
  using DigitHandler = std::function<void(char digit, std::uint32_t duration_ms)>;

  // Binds the next free even port of `range` on `local_ip`; null with `error` set when the
  // range has none.
  static std::shared_ptr<RtpStream> open(asio::io_context& io, const asio::ip::address& local_ip,
                                         const PortRange& range, std::string* error);
  ~RtpStream();
  RtpStream(const RtpStream&) = delete;
  RtpStream& operator=(const RtpStream&) = delete;

  std::uint16_t local_port() const { return local_port_; }
  void set_remote(const RemoteMedia& remote);
  void on_digit(DigitHandler handler);
  // Starts receiving; call once, after set_remote.
  void start();
  void close();

  // The next 20 ms of received audio, or nothing (not yet buffered, lost: play silence).
  std::optional<media::Frame> read_frame();
  // Sends the frame, or while a queued digit plays, that digit's telephone-event packet for
  // this 20 ms instead: the caller's frame clock paces the events.
  void write_frame(const media::Frame& frame);
  // Queues a digit for RFC 4733 sending (uuid_send_dtmf). False when the far end did not
  // negotiate telephone-event, the character is not a DTMF digit, or kMaxQueuedDigits wait.
  bool send_dtmf(char digit, std::uint32_t duration_ms);
  static constexpr std::size_t kMaxQueuedDigits = 128;
  // Longest audio packet accepted (ptime), in ms: 60 ms is 480 G.711 bytes.
  static constexpr std::size_t kMaxPacketMs = 60;

  RtpStats stats() const;

 private:
  RtpStream(asio::ip::udp::socket socket, std::uint16_t port);
  void receive_next();
  void send_packet(std::uint8_t payload_type, bool marker, std::uint32_t timestamp,
                   std::span<const std::uint8_t> payload);
  bool write_dtmf_tick();
  void on_datagram(std::size_t size);
  void assemble(std::uint32_t timestamp, std::span<const std::uint8_t> payload);

  asio::ip::udp::socket socket_;
  std::uint16_t local_port_;
  // Receive buffer one byte larger than the largest packet accepted, so that an oversized
  // datagram is seen as such (the kernel truncates it to the buffer) rather than cut silently.
  std::array<std::uint8_t, kMaxRtpPacketBytes + 1> in_{};
  asio::ip::udp::endpoint sender_;

  mutable std::mutex mutex_;
  RemoteMedia remote_;
  G711Law law_ = G711Law::kMuLaw;
  bool latched_ = false;
  bool closed_ = false;
  JitterBuffer jitter_;
  // Packets of any ptime up to kMaxPacketMs are cut into 20 ms frames on the grid of the RTP
  // timestamp (frame k holds samples 160k..160k+159 after the first packet's timestamp); a
  // few frames may be filling at once, so reordered packets still complete them.
  struct Assembly {
    bool used = false;
    std::int64_t index = 0;
    std::size_t filled = 0;
    media::Frame frame;
  };
  std::array<Assembly, 4> assembly_{};
  bool have_base_ = false;
  std::uint32_t base_timestamp_ = 0;
  TelephoneEventReceiver dtmf_rx_;
  DigitHandler digit_handler_;
  RtpStats stats_;
  std::uint16_t out_sequence_;
  std::uint32_t out_timestamp_;
  std::uint32_t out_ssrc_;
  bool out_first_ = true;
  std::vector<std::uint8_t> out_packet_;
  struct OutgoingDigit {
    std::uint8_t event = 0;
    std::uint32_t duration = 0;  // timestamp units (8 kHz)
  };
  std::deque<OutgoingDigit> digits_out_;
  std::uint32_t digit_elapsed_ = 0;  // of digits_out_.front(), 0: not started
};

}  // namespace es::sip::rtp
