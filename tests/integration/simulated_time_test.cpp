// --simulated-time beyond calls: HEARTBEAT follows the simulated clock, msleep waits on it,
// and log lines say their time is simulated.
#include "call_events.hpp"
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

class SimulatedTimeTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon({"--simulated-time", "--heartbeat-interval", "1"}); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(control_, port()));
  }
  TestClient control_;
};

TEST_F(SimulatedTimeTest, HeartbeatComesWhenTheSimulatedClockReachesIt) {
  TestClient watcher;
  ASSERT_TRUE(connect_and_auth(watcher, port()));
  expect_reply(watcher, "event plain HEARTBEAT\n\n",
               reply_frame("+OK event listener enabled plain"));
  // More than the interval of wall time: nothing, the switch clock has not moved.
  EXPECT_TRUE(watcher.expect_silence(std::chrono::milliseconds(1500)));
  std::string now = api(control_, "sim_clock");  // "+OK <epoch us> <n> pending timers"
  ASSERT_TRUE(now.starts_with("+OK ")) << now;
  long long start_us = std::stoll(now.substr(4));
  std::string advanced = api(control_, "sim_clock advance 1000");
  auto heartbeat = watcher.read_frame(std::chrono::seconds(3));
  ASSERT_TRUE(heartbeat) << "no HEARTBEAT after advancing the clock by the interval";
  auto event = parse_plain_event(heartbeat->message.body);
  ASSERT_TRUE(event.header("Event-Name") && event.header("Event-Date-Timestamp"));
  EXPECT_EQ(*event.header("Event-Name"), "HEARTBEAT");
  long long stamped = std::stoll(*event.header("Event-Date-Timestamp"));
  // Due one interval after the start (the clock has not moved since), stamped with that time.
  EXPECT_LE(stamped, start_us + 1000000);
  EXPECT_GT(stamped, start_us);
  EXPECT_EQ(advanced, "+OK " + std::to_string(start_us + 1000000) + "\n");
}

TEST_F(SimulatedTimeTest, MsleepWaitsForTheSimulatedClock) {
  TestClient sleeper;
  ASSERT_TRUE(connect_and_auth(sleeper, port()));
  ASSERT_TRUE(sleeper.send("api msleep 3000\n\n"));
  EXPECT_TRUE(sleeper.expect_silence(std::chrono::milliseconds(300)));
  EXPECT_TRUE(api(control_, "sim_clock advance 3000").starts_with("+OK "));
  auto reply = sleeper.read_frame(std::chrono::seconds(1));
  ASSERT_TRUE(reply) << "msleep did not end when the clock passed its deadline";
  EXPECT_EQ(reply->raw, api_frame("+OK"));
}

TEST_F(SimulatedTimeTest, LogLinesFlagTheSimulatedTime) {
  std::string text = daemon_->stderr_text();
  auto line_end = text.find('\n', text.find("event socket listening on"));
  auto line_start = text.rfind('\n', text.find("event socket listening on"));
  std::string line = text.substr(line_start == std::string::npos ? 0 : line_start + 1,
                                 line_end - (line_start == std::string::npos ? 0 : line_start + 1));
  EXPECT_NE(line.find(" [sim] "), std::string::npos) << line;
  EXPECT_NE(line.find("% [NOTICE] "), std::string::npos) << line;
}

}  // namespace
}  // namespace es::itest
