// The sim/ endpoint: every script variable, checked against the event timestamps of the switch
// clock in simulated time.
#include "switch/endpoints/sim_endpoint.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

constexpr std::int64_t kMs = 1000;  // microseconds

std::int64_t timestamp(const core::FiredEventPtr& event) {
  return std::stoll(header(event, "Event-Date-Timestamp"));
}

// Records when (switch clock) each frame the channel reads arrived, and whether it had sound.
class FrameLog final : public FrameConsumer {
 public:
  explicit FrameLog(const core::Clock& clock) : clock_(clock) {}
  void consume(const media::Frame& frame) override {
    bool sound = false;
    for (auto s : frame.samples) sound = sound || s != 0;
    std::lock_guard lock(mutex_);
    times_.push_back(clock_.now_epoch_us());
    sound_ = sound_ && sound;
  }
  std::vector<std::int64_t> times() const {
    std::lock_guard lock(mutex_);
    return times_;
  }
  bool all_sound() const {
    std::lock_guard lock(mutex_);
    return sound_;
  }

 private:
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<std::int64_t> times_;
  bool sound_ = true;
};

class SimEndpointTest : public SwitchFixture {
 protected:
  SimEndpointTest() : SwitchFixture(true) { switch_->endpoints().add(make_sim_endpoint()); }

  ~SimEndpointTest() override {
    // An originate still waiting would wait for simulated time forever: end its legs.
    for (auto& pending : pending_) {
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (pending.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready &&
             std::chrono::steady_clock::now() < give_up) {
        switch_->hangup_all(16);
      }
    }
  }

  // `api originate` blocks until the leg answers; it runs on its own thread while the test
  // moves the clock.
  std::shared_future<std::string> originate_async(const std::string& arg) {
    std::shared_future<std::string> result =
        std::async(std::launch::async, [this, arg] { return api("originate", arg); }).share();
    pending_.push_back(result);
    return result;
  }

  static bool finished(const std::shared_future<std::string>& f) {
    return f.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready;
  }

  // The uuid of the (single) leg once it exists and waits at the switch clock.
  std::string leg_uuid() {
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_ORIGINATE"));
    for (const auto& e : recorder_->all()) {
      if (header(e, "Event-Name") == "CHANNEL_ORIGINATE") {
        switch_->settle();
        return header(e, "Unique-ID");
      }
    }
    return {};
  }

  std::vector<core::FiredEventPtr> events(const std::string& uuid, const std::string& name) {
    std::vector<core::FiredEventPtr> out;
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") == name) out.push_back(e);
    }
    return out;
  }

  bool wait_count(const std::string& uuid, const std::string& name, std::size_t count) {
    return recorder_->wait_until([&](const std::vector<core::FiredEventPtr>& all) {
      std::size_t n = 0;
      for (const auto& e : all) {
        if (header(e, "Event-Name") == name && header(e, "Unique-ID") == uuid) ++n;
      }
      return n >= count;
    });
  }

  // Microseconds from the leg's CHANNEL_CREATE to the first `name` event of the leg.
  std::int64_t since_create(const std::string& uuid, const std::string& name) {
    auto created = events(uuid, "CHANNEL_CREATE");
    auto found = events(uuid, name);
    if (created.empty() || found.empty()) return -1;
    return timestamp(found.front()) - timestamp(created.front());
  }

  std::vector<std::shared_future<std::string>> pending_;
};

TEST_F(SimEndpointTest, AnswersAndHangsUpOnTheSwitchClockInNoWallTime) {
  auto wall_start = std::chrono::steady_clock::now();
  auto result = originate_async("{sim_answer_ms=2000,sim_hangup_ms=58000}sim/1000 &park");
  std::string uuid = leg_uuid();
  ASSERT_FALSE(uuid.empty());
  auto created = events(uuid, "CHANNEL_CREATE");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(header(created[0], "Channel-Name"), "sim/1000");
  EXPECT_EQ(header(created[0], "Caller-Source"), "mod_sim");

  advance_ms(1999);
  EXPECT_TRUE(events(uuid, "CHANNEL_ANSWER").empty());
  EXPECT_FALSE(finished(result));
  advance_ms(1);
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  EXPECT_EQ(since_create(uuid, "CHANNEL_ANSWER"), 2000 * kMs);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));

  advance_ms(57999);
  EXPECT_TRUE(events(uuid, "CHANNEL_HANGUP").empty());
  advance_ms(1);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", uuid));
  EXPECT_EQ(since_create(uuid, "CHANNEL_HANGUP"), 60000 * kMs);
  EXPECT_EQ(header(events(uuid, "CHANNEL_HANGUP").front(), "Hangup-Cause"), "NORMAL_CLEARING");
  // A minute of call in simulated time.
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(1));
}

TEST_F(SimEndpointTest, AnswersAtOnceByDefaultAndHangsUpWithTheScriptedCause) {
  auto result =
      originate_async("{SIM_HANGUP_MS=1500,Sim_Hangup_Cause=CALL_REJECTED}sim/2000 &park");
  std::string uuid = leg_uuid();
  // No time has to pass for the default answer.
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  EXPECT_EQ(since_create(uuid, "CHANNEL_ANSWER"), 0);
  advance_ms(1500);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", uuid));
  EXPECT_EQ(since_create(uuid, "CHANNEL_HANGUP"), 1500 * kMs);
  EXPECT_EQ(header(events(uuid, "CHANNEL_HANGUP").front(), "Hangup-Cause"), "CALL_REJECTED");
}

TEST_F(SimEndpointTest, StaysUpWithoutHangupScript) {
  auto result = originate_async("sim/2001 &park");
  std::string uuid = leg_uuid();
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  advance_ms(std::int64_t{3600} * 1000);
  EXPECT_TRUE(events(uuid, "CHANNEL_HANGUP").empty());
  EXPECT_NE(switch_->locate(uuid), nullptr);
}

TEST_F(SimEndpointTest, FailCauseRefusesAtOnce) {
  EXPECT_EQ(api("originate", "{sim_fail_cause=USER_BUSY}sim/3000 &park"), "-ERR USER_BUSY\n");
  // A number names the cause too.
  EXPECT_EQ(api("originate", "{sim_fail_cause=21}sim/3000 &park"), "-ERR CALL_REJECTED\n");
}

TEST_F(SimEndpointTest, FailCauseAfterDelayInsteadOfAnswering) {
  auto result = originate_async(
      "{sim_fail_cause=user_busy,sim_fail_ms=3000,sim_answer_ms=1000}sim/3001 &park");
  std::string uuid = leg_uuid();
  advance_ms(2999);
  EXPECT_FALSE(finished(result));
  EXPECT_TRUE(events(uuid, "CHANNEL_ANSWER").empty());
  advance_ms(1);
  EXPECT_EQ(result.get(), "-ERR USER_BUSY\n");
  EXPECT_EQ(since_create(uuid, "CHANNEL_HANGUP"), 3000 * kMs);
  EXPECT_TRUE(events(uuid, "CHANNEL_ANSWER").empty());
}

TEST_F(SimEndpointTest, NeverAnsweringTimesOut) {
  auto result = originate_async("{sim_answer_ms=-1,originate_timeout=5}sim/4000 &park");
  std::string uuid = leg_uuid();
  advance_ms(4999);
  EXPECT_FALSE(finished(result));
  advance_ms(1);
  EXPECT_EQ(result.get(), "-ERR NO_ANSWER\n");
  EXPECT_EQ(since_create(uuid, "CHANNEL_HANGUP"), 5000 * kMs);
  EXPECT_EQ(header(events(uuid, "CHANNEL_HANGUP").front(), "Hangup-Cause"), "NO_ANSWER");
  EXPECT_TRUE(events(uuid, "CHANNEL_ANSWER").empty());
}

TEST_F(SimEndpointTest, RingsThenEarlyMediaWinsTheOriginateThenAnswers) {
  auto result = originate_async(
      "{sim_ring_ms=1000,sim_early_media_ms=3000,sim_answer_ms=10000}sim/5000 &park");
  std::string uuid = leg_uuid();
  advance_ms(1000);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PROGRESS", uuid));
  EXPECT_EQ(since_create(uuid, "CHANNEL_PROGRESS"), 1000 * kMs);
  EXPECT_FALSE(finished(result));
  advance_ms(2000);
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  EXPECT_EQ(since_create(uuid, "CHANNEL_PROGRESS_MEDIA"), 3000 * kMs);
  EXPECT_TRUE(events(uuid, "CHANNEL_ANSWER").empty());
  // The far end still answers on its script after originate has let the leg go.
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  advance_ms(7000);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_ANSWER", uuid));
  EXPECT_EQ(since_create(uuid, "CHANNEL_ANSWER"), 10000 * kMs);
}

TEST_F(SimEndpointTest, IgnoringEarlyMediaWaitsForTheAnswer) {
  auto result = originate_async(
      "{ignore_early_media=true,sim_early_media_ms=500,sim_answer_ms=4000}sim/5001 &park");
  std::string uuid = leg_uuid();
  advance_ms(500);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PROGRESS_MEDIA", uuid));
  EXPECT_EQ(since_create(uuid, "CHANNEL_PROGRESS_MEDIA"), 500 * kMs);
  EXPECT_TRUE(events(uuid, "CHANNEL_PROGRESS").empty());  // no sim_ring_ms: no ring
  EXPECT_EQ(result.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  advance_ms(3500);
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  EXPECT_EQ(since_create(uuid, "CHANNEL_ANSWER"), 4000 * kMs);
}

// originate reads ignore_early_media with switch_true, so "t" ignores early media too (it used
// to accept only true/yes/on/1/enabled).
TEST_F(SimEndpointTest, IgnoreEarlyMediaIsReadAsSwitchTrue) {
  auto result = originate_async(
      "{ignore_early_media=t,sim_early_media_ms=500,sim_answer_ms=2000}sim/5002 &park");
  std::string uuid = leg_uuid();
  advance_ms(500);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PROGRESS_MEDIA", uuid));
  EXPECT_EQ(result.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  advance_ms(1500);
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  EXPECT_EQ(since_create(uuid, "CHANNEL_ANSWER"), 2000 * kMs);
}

TEST_F(SimEndpointTest, FirstFarEndToAnswerWinsARace) {
  auto result =
      originate_async("{sim_ring_ms=0}[sim_answer_ms=9000]sim/a,[sim_answer_ms=3000]sim/b &park");
  ASSERT_TRUE(recorder_->wait_until([](const std::vector<core::FiredEventPtr>& all) {
    int n = 0;
    for (const auto& e : all) n += header(e, "Event-Name") == "CHANNEL_ORIGINATE";
    return n == 2;
  }));
  switch_->settle();
  std::string a, b;
  for (const auto& e : recorder_->all()) {
    if (header(e, "Event-Name") != "CHANNEL_ORIGINATE") continue;
    (header(e, "Channel-Name") == "sim/a" ? a : b) = header(e, "Unique-ID");
  }
  EXPECT_EQ(since_create(a, "CHANNEL_PROGRESS"), 0);
  EXPECT_EQ(since_create(b, "CHANNEL_PROGRESS"), 0);
  advance_ms(3000);
  EXPECT_EQ(result.get(), "+OK " + b + "\n");
  EXPECT_EQ(since_create(b, "CHANNEL_ANSWER"), 3000 * kMs);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", a));
  EXPECT_EQ(header(events(a, "CHANNEL_HANGUP").front(), "Hangup-Cause"), "LOSE_RACE");
  advance_ms(10000);
  EXPECT_TRUE(events(a, "CHANNEL_ANSWER").empty());
}

TEST_F(SimEndpointTest, ScriptedDigitsArriveAtTheirTimesWhileParked) {
  auto result = originate_async("{^^:sim_answer_ms=100:sim_dtmf=1@500,2@700,#@900}sim/6000 &park");
  std::string uuid = leg_uuid();
  advance_ms(100);
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  advance_ms(499);
  EXPECT_TRUE(events(uuid, "DTMF").empty());
  advance_ms(1);
  ASSERT_TRUE(wait_count(uuid, "DTMF", 1));
  advance_ms(200);
  ASSERT_TRUE(wait_count(uuid, "DTMF", 2));
  advance_ms(200);
  ASSERT_TRUE(wait_count(uuid, "DTMF", 3));
  advance_ms(5000);
  auto digits = events(uuid, "DTMF");
  ASSERT_EQ(digits.size(), 3u);
  std::int64_t answered = timestamp(events(uuid, "CHANNEL_ANSWER").front());
  const char* expected_digits[] = {"1", "2", "#"};
  const std::int64_t expected_ms[] = {500, 700, 900};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(header(digits[i], "DTMF-Digit"), expected_digits[i]);
    EXPECT_EQ(header(digits[i], "DTMF-Source"), "RTP");
    EXPECT_EQ(timestamp(digits[i]) - answered, expected_ms[i] * kMs);
  }
}

TEST_F(SimEndpointTest, DigitsSentToTheLegAreCollected) {
  auto result = originate_async("sim/6001 &park");
  std::string uuid = leg_uuid();
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  SessionPtr leg = switch_->locate(uuid);
  ASSERT_NE(leg, nullptr);
  EXPECT_FALSE(leg->variable("sim_dtmf_received"));
  leg->send_dtmf(Dtmf{'1'});
  leg->send_dtmf(Dtmf{'2'});
  leg->send_dtmf(Dtmf{'#'});
  EXPECT_EQ(leg->variable("sim_dtmf_received").value_or(""), "12#");
}

TEST_F(SimEndpointTest, FramesWrittenToTheLegAreCountedAtHangup) {
  auto result = originate_async("sim/6002 &park");
  std::string uuid = leg_uuid();
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  SessionPtr leg = switch_->locate(uuid);
  ASSERT_NE(leg, nullptr);
  media::Frame frame;
  for (int i = 0; i < 7; ++i) leg->write_frame(frame);
  leg->hangup(16);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", uuid));
  auto complete = events(uuid, "CHANNEL_HANGUP_COMPLETE");
  EXPECT_EQ(header(complete.front(), "variable_sim_frames_received"), "7");
}

TEST_F(SimEndpointTest, PlaysAudioEveryTwentyMillisecondsAfterAnswer) {
  auto result =
      originate_async("{^^;sim_answer_ms=1000;sim_play=tone_stream://%(200,0,1000)}sim/7000 &park");
  std::string uuid = leg_uuid();
  SessionPtr leg = switch_->locate(uuid);
  ASSERT_NE(leg, nullptr);
  auto log = std::make_shared<FrameLog>(runtime_->clock());
  leg->add_frame_consumer(log);
  advance_ms(1000);
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  EXPECT_TRUE(log->times().empty());
  advance_ms(100);
  EXPECT_EQ(log->times().size(), 5u);
  advance_ms(1000);
  // 200 ms of tone is ten frames, then the far end falls silent.
  auto times = log->times();
  ASSERT_EQ(times.size(), 10u);
  EXPECT_TRUE(log->all_sound());
  std::int64_t answered = timestamp(events(uuid, "CHANNEL_ANSWER").front());
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(times[i] - answered, static_cast<std::int64_t>(i + 1) * 20 * kMs);
  }
}

TEST_F(SimEndpointTest, AudioStartsWithEarlyMedia) {
  auto result = originate_async(
      "{sim_early_media_ms=500,sim_answer_ms=-1,sim_play=silence_stream://1000}sim/7001 &park");
  std::string uuid = leg_uuid();
  SessionPtr leg = switch_->locate(uuid);
  ASSERT_NE(leg, nullptr);
  auto log = std::make_shared<FrameLog>(runtime_->clock());
  leg->add_frame_consumer(log);
  advance_ms(500);
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  advance_ms(60);
  auto times = log->times();
  ASSERT_EQ(times.size(), 3u);
  EXPECT_FALSE(log->all_sound());
  std::int64_t early = timestamp(events(uuid, "CHANNEL_PROGRESS_MEDIA").front());
  EXPECT_EQ(times.front() - early, 20 * kMs);
  EXPECT_TRUE(events(uuid, "CHANNEL_ANSWER").empty());
}

TEST_F(SimEndpointTest, HangupCancelsTheRestOfTheScript) {
  auto result = originate_async(
      "{^^;sim_hangup_ms=60000;sim_dtmf=1@30000;sim_play=silence_stream://100000}sim/7002 &park");
  std::string uuid = leg_uuid();
  EXPECT_EQ(result.get(), "+OK " + uuid + "\n");
  auto* timers = dynamic_cast<core::SimulatedTimers*>(timers_.get());
  ASSERT_NE(timers, nullptr);
  EXPECT_GE(timers->pending(), 3u);  // hangup, digit, next frame
  api("uuid_kill", uuid);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", uuid));
  EXPECT_EQ(timers->pending(), 0u);
  advance_ms(60000);
  EXPECT_TRUE(events(uuid, "DTMF").empty());
  EXPECT_EQ(events(uuid, "CHANNEL_HANGUP").size(), 1u);
}

TEST_F(SimEndpointTest, UnusableScriptsRefuseTheCall) {
  const char* scripts[] = {
      "{sim_answer_ms=soon}sim/1",
      "{sim_answer_ms=-2}sim/1",
      "{sim_ring_ms=-1}sim/1",
      "{sim_hangup_ms=10x}sim/1",
      "{sim_fail_ms=100}sim/1",
      "{sim_fail_cause=NOT_A_CAUSE}sim/1",
      "{sim_dtmf=1-500}sim/1",
      "{sim_dtmf=12@500}sim/1",
      "{sim_dtmf=x@5}sim/1",
      "{sim_hangup_cause=bogus,sim_hangup_ms=5}sim/1",
      "{sim_play=/no/such/file.wav}sim/1",
  };
  for (const char* script : scripts) {
    EXPECT_EQ(api("originate", std::string(script) + " &park"), "-ERR INVALID_NUMBER_FORMAT\n")
        << script;
  }
  EXPECT_EQ(switch_->count(), 0u);
}

// Real time: the same timers run on the io_context.
class SimEndpointRealTimeTest : public SwitchFixture {
 protected:
  SimEndpointRealTimeTest() { switch_->endpoints().add(make_sim_endpoint()); }
};

TEST_F(SimEndpointRealTimeTest, AnswersAndHangsUpOnRealTimers) {
  std::string out = api("originate", "{sim_answer_ms=30,sim_hangup_ms=30}sim/8000 &park");
  ASSERT_EQ(out.rfind("+OK ", 0), 0u) << out;
  std::string uuid = out.substr(4, out.size() - 5);
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", uuid));
}

}  // namespace
}  // namespace es::sw::testing
