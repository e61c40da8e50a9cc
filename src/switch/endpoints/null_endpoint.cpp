// null/<destination>: an outgoing leg with nobody at the far end that answers by itself
// (docs/call-behaviour.md §7.1).
#include <cstdlib>

#include "core/text/text.hpp"
#include "switch/endpoints/builtin_endpoints.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

class NullDriver final : public ChannelDriver {
 public:
  NullDriver(bool auto_answer, int delay_ms, bool pre_answer)
      : auto_answer_(auto_answer), delay_ms_(delay_ms), pre_answer_(pre_answer) {}

  asio::awaitable<void> on_consume_media(Session& session) override {
    if (pre_answer_) session.mark_pre_answered();
    if (!auto_answer_ || session.answered()) co_return;
    if (delay_ms_ > 0) {
      std::int64_t deadline = session.now_monotonic_us() + std::int64_t{delay_ms_} * 1000;
      while (session.up() && session.now_monotonic_us() < deadline &&
             session.state() == ChannelState::kConsumeMedia) {
        session.core().running_sessions.fetch_sub(1);
        co_await session.wait_until(deadline);
        session.core().running_sessions.fetch_add(1);
      }
    }
    if (session.state() == ChannelState::kConsumeMedia) session.mark_answered();
  }

  void send_dtmf(Session& session, const Dtmf& dtmf) override {
    std::string queued = session.variable("null_channel_dtmf_queued").value_or("");
    queued += dtmf.digit;
    session.set_variable("null_channel_dtmf_queued", queued);
  }

 private:
  bool auto_answer_;
  int delay_ms_;
  bool pre_answer_;
};

class NullEndpoint final : public Endpoint {
 public:
  std::string_view name() const override { return "null"; }

  OutgoingResult create_outgoing(SwitchCore& core, const OutgoingRequest& request) override {
    if (request.data.rfind("cause-", 0) == 0) {
      return {nullptr, cause_from_string(std::string_view(request.data).substr(6))};
    }
    if (const std::string* forced = request_var(request, "null_hangup_cause")) {
      return {nullptr, cause_from_string(*forced)};
    }
    bool auto_answer = true;
    if (const std::string* v = request_var(request, "null_enable_auto_answer"))
      auto_answer = text::switch_true(v);
    int delay = 0;
    if (const std::string* v = request_var(request, "null_auto_answer_delay")) {
      delay = std::atoi(v->c_str());
      if (delay < 0 || delay > 60000) delay = 0;
    }
    bool pre_answer = text::switch_true(request_var(request, "null_pre_answer"));
    if (request.caller && !request.caller->variable_true("null_no_pre_answer")) {
      request.caller->pre_answer();
    }
    CallerProfile profile = request.profile;
    profile.source = "mod_loopback";
    int cause = 0;
    SessionPtr session = core.create_session(
        Direction::kOutbound, std::make_unique<NullDriver>(auto_answer, delay, pre_answer),
        std::move(profile), request.uuid, &cause);
    if (!session) return {nullptr, cause};
    session->set_name("null/" + request.data);
    session->set_state(ChannelState::kInit);
    return {session, 0};
  }
};

}  // namespace

std::shared_ptr<Endpoint> make_null_endpoint() {
  return std::make_shared<NullEndpoint>();
}

}  // namespace es::sw
