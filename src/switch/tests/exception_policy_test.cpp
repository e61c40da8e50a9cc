// The exception policy (core/spawn.hpp) in the switch: an application or a state machine that
// throws hangs its call up with CRASH, the session is destroyed and its max_sessions slot
// freed; numbers given by a client saturate instead of overflowing into the past.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/log_bus.hpp"
#include "switch/endpoint.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/tests/error_log_recorder.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

using namespace std::chrono_literals;

std::string uuid_of(const std::string& reply) {
  EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  return reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
}

// crash/<where>: a leg whose driver throws while consuming media ("media") or also while
// hanging up ("twice").
class CrashDriver final : public ChannelDriver {
 public:
  explicit CrashDriver(bool twice) : twice_(twice) {}
  asio::awaitable<void> on_consume_media(Session&) override {
    throw std::runtime_error("driver broke");
    co_return;
  }
  void on_hangup(Session&) override {
    if (twice_) throw std::runtime_error("hangup broke too");
  }

 private:
  bool twice_;
};

class CrashEndpoint final : public Endpoint {
 public:
  std::string_view name() const override { return "crash"; }
  OutgoingResult create_outgoing(SwitchCore& core, const OutgoingRequest& request) override {
    int cause = 0;
    SessionPtr session = core.create_session(Direction::kOutbound,
                                             std::make_unique<CrashDriver>(request.data == "twice"),
                                             request.profile, request.uuid, &cause);
    if (!session) return {nullptr, cause};
    session->set_name("crash/" + request.data);
    session->set_state(ChannelState::kInit);
    return {session, 0};
  }
};

class ExceptionPolicyTest : public SwitchFixture {
 protected:
  std::shared_ptr<ErrorLogRecorder> log_ = std::make_shared<ErrorLogRecorder>();
  void SetUp() override {
    runtime_->log().add_sink(log_);
    switch_->endpoints().add(std::make_shared<CrashEndpoint>());
    Application app;
    app.name = "test_throw";
    app.function = [](Session&, std::string) -> asio::awaitable<void> {
      throw std::runtime_error("application broke");
      co_return;
    };
    switch_->applications().add(std::move(app));
  }
  std::string event_header(const std::string& uuid, const std::string& name,
                           const std::string& field) {
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") == name) return header(e, field);
    }
    return {};
  }
};

TEST_F(ExceptionPolicyTest, ThrowingApplicationHangsUpWithCrashAndFreesItsSlot) {
  api("fsctl", "max_sessions 1");
  std::string uuid = uuid_of(api("originate", "null/1 &test_throw"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_DESTROY", uuid));
  EXPECT_EQ(event_header(uuid, "CHANNEL_HANGUP", "Hangup-Cause"), "CRASH");
  EXPECT_EQ(event_header(uuid, "CHANNEL_EXECUTE_COMPLETE", "Application"), "test_throw");
  EXPECT_TRUE(log_->saw("null/1 application test_throw failed: application broke"));
  ASSERT_TRUE(eventually([&] { return switch_->count() == 0; }));
  // The only slot is free again.
  std::string next = uuid_of(api("originate", "null/2 &park"));
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", next));
  api("uuid_kill", next);
}

TEST_F(ExceptionPolicyTest, ThrowingStateMachineHangsUpWithCrashAndIsDestroyed) {
  api("fsctl", "max_sessions 1");
  EXPECT_EQ(api("originate", "crash/media &park"), "-ERR CRASH\n");
  ASSERT_TRUE(eventually([&] { return switch_->count() == 0; }));
  bool destroyed = recorder_->wait_until([](const auto& events) {
    for (const auto& e : events) {
      if (header(e, "Event-Name") == "CHANNEL_DESTROY") return true;
    }
    return false;
  });
  EXPECT_TRUE(destroyed);
  EXPECT_TRUE(log_->saw("session state machine failed: driver broke"));
  std::string next = uuid_of(api("originate", "null/2 &park"));
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", next));
  api("uuid_kill", next);
}

TEST_F(ExceptionPolicyTest, StateMachineThatThrowsAgainWhileHangingUpIsDestroyedAtOnce) {
  api("fsctl", "max_sessions 1");
  EXPECT_EQ(api("originate", "crash/twice &park"), "-ERR CRASH\n");
  ASSERT_TRUE(eventually([&] { return switch_->count() == 0; }));
  EXPECT_TRUE(log_->saw("session state machine (after a crash) failed: hangup broke too"));
  std::string next = uuid_of(api("originate", "null/2 &park"));
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", next));
  api("uuid_kill", next);
}

// Numbers a client gives saturate: before, a product of them wrapped into the past and the
// timer fired at once. Simulated time, so nothing but the test moves the clock.
class SaturationTest : public SwitchFixture {
 protected:
  SaturationTest() : SwitchFixture(/*simulated_time=*/true) {}
  bool has_event(const std::string& uuid, const std::string& name) {
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") == name) return true;
    }
    return false;
  }
};

TEST_F(SaturationTest, HugeParkTimeoutDoesNotWrapIntoThePast) {
  std::string uuid = uuid_of(api("originate", "{park_timeout=10000000000000}null/1 &park"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  advance_ms(1000);
  EXPECT_FALSE(has_event(uuid, "CHANNEL_HANGUP"));
  api("uuid_kill", uuid);
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_DESTROY", uuid));
}

TEST_F(SaturationTest, HugeSleepDoesNotWrapIntoThePast) {
  std::string uuid = uuid_of(api("originate", "null/1 &sleep(10000000000000000)"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_EXECUTE", uuid));
  advance_ms(1000);
  EXPECT_FALSE(has_event(uuid, "CHANNEL_EXECUTE_COMPLETE"));
  api("uuid_kill", uuid);
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_DESTROY", uuid));
}

TEST_F(SaturationTest, HugeScheduleTimeDoesNotRunTheTaskNow) {
  EXPECT_EQ(api("sched_api", "+10000000000000 none global_setvar sched_probe=ran").rfind("+OK", 0),
            0u);
  advance_ms(1000);
  EXPECT_EQ(api("global_getvar", "sched_probe"), "");
}

// DTMF-Duration is the duration in samples (ms * 8): a huge duration no longer overflows int.
TEST_F(SaturationTest, HugeDtmfDurationDoesNotOverflow) {
  std::string uuid = uuid_of(api("originate", "null/1 &park"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  api("uuid_recv_dtmf", uuid + " 7@999999999");
  ASSERT_TRUE(recorder_->wait_for("DTMF", uuid));
  for (const auto& e : recorder_->for_channel(uuid)) {
    if (header(e, "Event-Name") == "DTMF") {
      EXPECT_EQ(header(e, "DTMF-Duration"), "7999999992");
    }
  }
  api("uuid_kill", uuid);
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_DESTROY", uuid));
}

}  // namespace
}  // namespace es::sw::testing
