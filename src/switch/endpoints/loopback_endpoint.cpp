// loopback/<dest>[/<context>[/<dialplan>]]: a pair of legs joined back to back
// (docs/call-behaviour.md §7.2). The outbound A-leg goes to the originator; the inbound B-leg,
// created when A runs CS_INIT, routes through the dialplan. Signalling of B is mirrored onto A;
// DTMF, audio and hangups cross from each leg to the other.
#include <asio/post.hpp>

#include <mutex>

#include "switch/endpoints/builtin_endpoints.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

struct LoopbackTarget {
  std::string destination;
  std::string context = "default";
  std::string dialplan = "XML";
  bool app_mode = false;
  std::string app;
  std::string app_arg;
};

LoopbackTarget parse_target(std::string_view data) {
  LoopbackTarget target;
  if (data.rfind("app=", 0) == 0) {
    std::string_view rest = data.substr(4);
    std::size_t colon = rest.find(':');
    target.app_mode = true;
    target.app = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) target.app_arg = std::string(rest.substr(colon + 1));
    target.destination = target.app;
    return target;
  }
  std::size_t slash = data.find('/');
  target.destination = std::string(data.substr(0, slash));
  if (slash != std::string_view::npos) {
    std::string_view rest = data.substr(slash + 1);
    std::size_t slash2 = rest.find('/');
    if (!rest.substr(0, slash2).empty()) target.context = std::string(rest.substr(0, slash2));
    if (slash2 != std::string_view::npos && !rest.substr(slash2 + 1).empty())
      target.dialplan = std::string(rest.substr(slash2 + 1));
  }
  return target;
}

class LoopbackDriver final : public ChannelDriver {
 public:
  LoopbackDriver(bool a_leg, LoopbackTarget target,
                 std::vector<std::pair<std::string, std::string>> vars)
      : a_leg_(a_leg), target_(std::move(target)), vars_(std::move(vars)) {}

  void set_peer(const SessionPtr& peer) {
    std::lock_guard lock(mutex_);
    peer_ = peer;
  }
  SessionPtr peer() const {
    std::lock_guard lock(mutex_);
    return peer_.lock();
  }

  void on_init(Session& a) override {
    if (!a_leg_ || peer()) return;
    CallerProfile profile =
        CallerProfile::make(a.profile().caller_id_name, a.profile().caller_id_number,
                            target_.destination, target_.context, target_.dialplan, "mod_loopback");
    auto driver = std::make_unique<LoopbackDriver>(
        false, target_, std::vector<std::pair<std::string, std::string>>{});
    LoopbackDriver* b_driver = driver.get();
    int cause = 0;
    SessionPtr b = a.core().create_session(Direction::kInbound, std::move(driver),
                                           std::move(profile), {}, &cause);
    if (!b) {
      a.hangup(cause ? cause : cause::kNormalTemporaryFailure);
      return;
    }
    b->set_name("loopback/" + target_.destination + "-b");
    // B runs what A's originator chose (its dialplan may be inline): A's rules bind it too.
    b->confine(a.access_rules());
    // The originate variables of A travel to B, then the variables named in loopback_export.
    for (const auto& [name, value] : vars_) b->set_variable(name, value);
    if (auto exports = a.variable("loopback_export")) {
      std::string_view list = *exports;
      while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string name(list.substr(0, comma));
        if (auto v = a.variable(name)) b->set_variable(name, *v);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    }
    b->set_variable("loopback_leg", "B");
    b->set_variable("is_loopback", "1");
    b->set_variable("other_loopback_leg_uuid", a.uuid());
    if (auto from = a.variable("loopback_from_uuid"))
      b->set_variable("other_loopback_from_uuid", *from);
    a.set_variable("other_loopback_leg_uuid", b->uuid());
    b_driver->set_peer(a.shared_from_this());
    set_peer(b);
    if (target_.app_mode) {
      Extension extension;
      extension.name = target_.app;
      extension.number = target_.app;
      extension.actions.push_back({"pre_answer", ""});
      extension.actions.push_back({target_.app, target_.app_arg});
      b->queue_extension(std::move(extension));
    }
    b->set_state(ChannelState::kInit);
    // B starts once A has fired its CHANNEL_CREATE and CHANNEL_ORIGINATE (this runs inside A's
    // INIT step, on A's strand): a B that answered at once would otherwise put A's
    // CHANNEL_ANSWER before A's own creation events on a loaded machine.
    asio::post(a.strand(), [b] { b->start(); });
  }

  void on_hangup(Session& session) override {
    if (SessionPtr other = peer()) other->hangup(session.hangup_cause());
  }

  bool on_ring_ready(Session&) override {
    if (SessionPtr other = peer(); other && !a_leg_) other->mark_ring_ready();
    return true;
  }
  bool on_pre_answer(Session&) override {
    if (SessionPtr other = peer(); other && !a_leg_) other->mark_pre_answered();
    return true;
  }
  bool on_answer(Session&) override {
    if (SessionPtr other = peer(); other && !a_leg_) other->mark_answered();
    return true;
  }

  void send_dtmf(Session&, const Dtmf& dtmf) override {
    if (SessionPtr other = peer()) other->receive_dtmf(dtmf);
  }
  void write_frame(Session&, const media::Frame& frame) override {
    if (SessionPtr other = peer()) other->receive_frame(frame);
  }

 private:
  const bool a_leg_;
  LoopbackTarget target_;
  std::vector<std::pair<std::string, std::string>> vars_;
  mutable std::mutex mutex_;
  std::weak_ptr<Session> peer_;
};

class LoopbackEndpoint final : public Endpoint {
 public:
  std::string_view name() const override { return "loopback"; }

  OutgoingResult create_outgoing(SwitchCore& core, const OutgoingRequest& request) override {
    LoopbackTarget target = parse_target(request.data);
    if (target.destination.empty()) return {nullptr, cause::kNoRouteDestination};
    if (request.caller && !request.caller->variable_true("loopback_no_pre_answer")) {
      request.caller->pre_answer();
    }
    CallerProfile profile = request.profile;
    profile.source = "mod_loopback";
    int cause = 0;
    SessionPtr a = core.create_session(Direction::kOutbound,
                                       std::make_unique<LoopbackDriver>(true, target, request.vars),
                                       std::move(profile), request.uuid, &cause);
    if (!a) return {nullptr, cause};
    a->set_name("loopback/" + target.destination + "-a");
    a->set_variable("loopback_leg", "A");
    a->set_variable("is_loopback", "1");
    if (request.caller) a->set_variable("loopback_from_uuid", request.caller->uuid());
    a->set_state(ChannelState::kInit);
    return {a, 0};
  }
};

}  // namespace

std::shared_ptr<Endpoint> make_loopback_endpoint() {
  return std::make_shared<LoopbackEndpoint>();
}

}  // namespace es::sw
