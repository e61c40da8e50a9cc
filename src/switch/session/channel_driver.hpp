// The endpoint side of one channel (FreeSWITCH's endpoint state handlers and io routines):
// what happens toward the far end when the session rings, answers, sends DTMF or media, or
// hangs up. Null, loopback and sim endpoints implement it.
#pragma once

#include <asio/awaitable.hpp>

#include <string_view>

#include "switch/media/frame.hpp"

namespace es::sw {

class Session;

struct Dtmf {
  char digit = 0;
  int duration_ms = 100;
  std::string_view source = "APP";  // DTMF-Source: INBAND_AUDIO, RTP, ENDPOINT, APP, UNKNOWN
};

class ChannelDriver {
 public:
  virtual ~ChannelDriver() = default;

  // State handlers, run before the standard behaviour of the state.
  virtual void on_init(Session&) {}
  virtual asio::awaitable<void> on_consume_media(Session&) { co_return; }
  virtual void on_hangup(Session&) {}

  // Requests on an inbound channel ask the endpoint first (loopback mirrors them onto its
  // other leg); false refuses.
  virtual bool on_ring_ready(Session&) { return true; }
  virtual bool on_pre_answer(Session&) { return true; }
  virtual bool on_answer(Session&) { return true; }

  // Toward the far end.
  virtual void send_dtmf(Session&, const Dtmf&) {}
  virtual void write_frame(Session&, const media::Frame&) {}
};

}  // namespace es::sw
