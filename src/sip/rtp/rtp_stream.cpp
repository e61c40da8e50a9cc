#include "sip/rtp/rtp_stream.hpp"

#include <algorithm>
#include <asio/buffer.hpp>
#include <atomic>
#include <random>

namespace es::sip::rtp {
namespace {

// 320 ms of frames held at most, 60 ms gathered before playing: enough for loopback and LAN
// jitter without adding noticeable delay; a flood cannot grow it.
constexpr std::size_t kJitterFrames = 16;
constexpr std::size_t kJitterPrefill = 3;
constexpr std::size_t kFrameBytes = media::kFrameSamples;  // G.711: one byte per sample

// Where the next search for a free port starts, shared by every stream so that consecutive
// calls do not all probe the same busy ports first.
std::atomic<std::uint32_t> g_port_cursor{0};

std::uint32_t random32() {
  thread_local std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint32_t>(generator());
}

}  // namespace

std::shared_ptr<RtpStream> RtpStream::open(asio::io_context& io, const asio::ip::address& local_ip,
                                           const PortRange& range, std::string* error) {
  const std::uint32_t first = (range.first + 1U) & ~1U;  // the first even port
  if (range.last < first) {
    if (error != nullptr) *error = "empty RTP port range";
    return nullptr;
  }
  const std::uint32_t count = (range.last - first) / 2 + 1;
  const std::uint32_t start = g_port_cursor.fetch_add(1) % count;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto port = static_cast<std::uint16_t>(first + 2 * ((start + i) % count));
    asio::ip::udp::socket socket(io);
    asio::error_code ec;
    socket.open(local_ip.is_v6() ? asio::ip::udp::v6() : asio::ip::udp::v4(), ec);
    if (ec) {
      if (error != nullptr) *error = ec.message();
      return nullptr;
    }
    socket.bind({local_ip, port}, ec);
    if (ec) continue;  // in use: try the next one
    socket.non_blocking(true, ec);
    return std::shared_ptr<RtpStream>(new RtpStream(std::move(socket), port));
  }
  if (error != nullptr) *error = "no free port in the RTP port range";
  return nullptr;
}

RtpStream::RtpStream(asio::ip::udp::socket socket, std::uint16_t port)
    : socket_(std::move(socket)),
      local_port_(port),
      jitter_(kJitterFrames, kJitterPrefill),
      out_sequence_(static_cast<std::uint16_t>(random32())),
      out_timestamp_(random32()),
      out_ssrc_(random32()) {}

RtpStream::~RtpStream() {
  close();
}

void RtpStream::set_remote(const RemoteMedia& remote) {
  const std::scoped_lock lock(mutex_);
  remote_ = remote;
  law_ = remote.payload_type == 8 ? G711Law::kALaw : G711Law::kMuLaw;
  latched_ = false;  // a new offer/answer: latch again to whoever sends first
}

void RtpStream::on_digit(DigitHandler handler) {
  const std::scoped_lock lock(mutex_);
  digit_handler_ = std::move(handler);
}

void RtpStream::start() {
  receive_next();
}

void RtpStream::close() {
  const std::scoped_lock lock(mutex_);
  if (closed_) return;
  closed_ = true;
  asio::error_code ec;
  socket_.close(ec);
}

void RtpStream::receive_next() {
  // Initiated under the lock so that close() on another thread never races the socket; asio
  // never runs the handler inside the initiating call, so the lock is not taken twice.
  const std::scoped_lock lock(mutex_);
  if (closed_) return;
  // The handler keeps the stream alive until the socket is closed and the read completes.
  socket_.async_receive_from(asio::buffer(in_), sender_,
                             [self = shared_from_this()](asio::error_code ec, std::size_t size) {
                               if (ec == asio::error::operation_aborted) return;
                               if (!ec) self->on_datagram(size);
                               self->receive_next();
                             });
}

void RtpStream::on_datagram(std::size_t size) {
  DigitHandler handler;
  std::vector<ReceivedDigit> digits;
  {
    const std::scoped_lock lock(mutex_);
    ++stats_.packets_in;
    const auto parsed = parse_rtp(std::span<const std::uint8_t>(in_.data(), size));
    if (!parsed.ok()) {
      ++stats_.dropped_malformed;
      return;
    }
    const auto& packet = parsed.packet;
    const bool is_audio = packet.payload_type == remote_.payload_type;
    const bool is_event =
        remote_.telephone_event_type && packet.payload_type == *remote_.telephone_event_type;
    if (!is_audio && !is_event) {
      ++stats_.dropped_payload_type;
      return;
    }
    if (!latched_) {
      remote_.address = sender_;
      latched_ = true;
    } else if (sender_ != remote_.address) {
      ++stats_.dropped_foreign_source;
      return;
    }
    if (is_event) {
      digits = dtmf_rx_.on_packet(packet.timestamp, packet.payload);
      stats_.dtmf_in += digits.size();
      handler = digit_handler_;
    } else if (packet.payload.empty() ||
               packet.payload.size() > kMaxPacketMs * media::kSamplesPerMs) {
      ++stats_.dropped_frame_size;
      return;
    } else {
      assemble(packet.timestamp, packet.payload);
    }
  }
  // Outside the lock: the handler queues into the session, which may call back into us.
  if (handler) {
    for (const auto& digit : digits) handler(digit.digit, digit.duration_ms);
  }
}

void RtpStream::assemble(std::uint32_t timestamp, std::span<const std::uint8_t> payload) {
  if (!have_base_) {
    have_base_ = true;
    base_timestamp_ = timestamp;
  }
  // Signed distance from the base, so a timestamp wrap or a packet slightly older than the
  // first one still lands on the grid.
  std::int64_t position = static_cast<std::int32_t>(timestamp - base_timestamp_);
  std::array<std::int16_t, kMaxPacketMs * media::kSamplesPerMs> samples{};
  const std::size_t count = decode(law_, payload, samples);
  std::size_t done = 0;
  while (done < count) {
    const std::int64_t index = position >= 0
                                   ? position / media::kFrameSamples
                                   : (position - media::kFrameSamples + 1) / media::kFrameSamples;
    const auto offset = static_cast<std::size_t>(position - index * media::kFrameSamples);
    const std::size_t take = std::min(count - done, media::kFrameSamples - offset);
    auto& slot = assembly_[static_cast<std::size_t>(index) % assembly_.size()];
    if (!slot.used || slot.index != index) {
      // A frame that never completed (its other packet lost) gives way to the new one.
      slot = Assembly{};
      slot.used = true;
      slot.index = index;
    }
    std::copy_n(samples.begin() + static_cast<std::ptrdiff_t>(done), take,
                slot.frame.samples.begin() + static_cast<std::ptrdiff_t>(offset));
    slot.filled += take;
    if (slot.filled >= media::kFrameSamples) {
      jitter_.push(static_cast<std::uint16_t>(index), slot.frame);
      ++stats_.frames_in;
      slot.used = false;
    }
    done += take;
    position += static_cast<std::int64_t>(take);
  }
}

std::optional<media::Frame> RtpStream::read_frame() {
  const std::scoped_lock lock(mutex_);
  return jitter_.pop();
}

void RtpStream::send_packet(std::uint8_t payload_type, bool marker, std::uint32_t timestamp,
                            std::span<const std::uint8_t> payload) {
  RtpHeaderFields fields;
  fields.payload_type = payload_type;
  fields.marker = marker;
  fields.sequence = out_sequence_++;
  fields.timestamp = timestamp;
  fields.ssrc = out_ssrc_;
  build_rtp(fields, payload, out_packet_);
  asio::error_code ec;
  // Non-blocking: a full socket buffer loses this packet rather than stalling the media clock.
  socket_.send_to(asio::buffer(out_packet_), remote_.address, 0, ec);
  if (ec) {
    ++stats_.send_errors;
  } else {
    ++stats_.packets_out;
  }
}

// One 20 ms tick of the digit at the queue's head; false when no digit is playing. Every
// packet of an event carries the timestamp of its start and the duration so far; the end is
// sent three times (RFC 4733 2.5.1.4) so one lost packet does not lose the digit's end.
bool RtpStream::write_dtmf_tick() {
  if (digits_out_.empty() || !remote_.telephone_event_type) return false;
  const auto& digit = digits_out_.front();
  const bool first = digit_elapsed_ == 0;
  digit_elapsed_ += media::kFrameSamples;
  const bool end = digit_elapsed_ >= digit.duration;
  TelephoneEvent event;
  event.event = digit.event;
  event.end = end;
  event.volume = 10;
  event.duration = static_cast<std::uint16_t>(std::min<std::uint32_t>(digit_elapsed_, 0xFFFF));
  std::array<std::uint8_t, kTelephoneEventBytes> payload{};
  write_telephone_event(event, payload);
  for (int i = 0; i < (end ? 3 : 1); ++i)
    send_packet(*remote_.telephone_event_type, first, out_timestamp_, payload);
  if (end) {
    // Audio resumes at the instant the event ended.
    out_timestamp_ += digit_elapsed_;
    digit_elapsed_ = 0;
    digits_out_.pop_front();
    ++stats_.dtmf_out;
    out_first_ = true;
  }
  return true;
}

void RtpStream::write_frame(const media::Frame& frame) {
  const std::scoped_lock lock(mutex_);
  if (closed_ || remote_.address.port() == 0) return;
  if (write_dtmf_tick()) return;
  std::array<std::uint8_t, kFrameBytes> payload{};
  encode(law_, frame.samples, payload);
  // The marker flags the start of a talkspurt: the first packet, and the first after a digit.
  send_packet(remote_.payload_type, out_first_, out_timestamp_, payload);
  out_timestamp_ += media::kFrameSamples;
  out_first_ = false;
}

bool RtpStream::send_dtmf(char digit, std::uint32_t duration_ms) {
  const auto code = dtmf_event_code(digit);
  const std::scoped_lock lock(mutex_);
  if (!code || !remote_.telephone_event_type || digits_out_.size() >= kMaxQueuedDigits)
    return false;
  // At least one 20 ms tick, at most what the 16-bit duration field can say (8.19 s).
  const std::uint32_t units = std::clamp<std::uint32_t>(duration_ms, 20, 8000) * 8;
  digits_out_.push_back({*code, units});
  return true;
}

RtpStats RtpStream::stats() const {
  const std::scoped_lock lock(mutex_);
  return stats_;
}

}  // namespace es::sip::rtp
