// The event sequences of originate / uuid_kill, exactly (names and states):
// docs/event-formats.md §8.
#include <gtest/gtest.h>

#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

using Row = std::tuple<std::string, std::string, std::string>;  // name, state, number

std::vector<Row> rows(const std::vector<core::FiredEventPtr>& events) {
  std::vector<Row> out;
  out.reserve(events.size());
  for (const auto& e : events) {
    out.emplace_back(header(e, "Event-Name"), header(e, "Channel-State"),
                     header(e, "Channel-State-Number"));
  }
  return out;
}

std::string uuid_of(const std::string& reply) {
  EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  return reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
}

class OriginateEventsTest : public SwitchFixture {};

TEST_F(OriginateEventsTest, NullParkKillFollowsTheReferenceSequence) {
  std::string uuid = uuid_of(api("originate", "null/1000 &park()"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  EXPECT_EQ(api("uuid_kill", uuid), "+OK\n");
  ASSERT_TRUE(recorder_->wait_until([&](const auto& events) {
    for (const auto& e : events) {
      if (header(e, "Unique-ID") == uuid && header(e, "Channel-State") == "CS_DESTROY") return true;
    }
    return false;
  }));
  std::vector<Row> expected = {
      {"CHANNEL_OUTGOING", "CS_NONE", "1"},
      {"CHANNEL_STATE", "CS_INIT", "1"},
      {"CHANNEL_CREATE", "CS_INIT", "2"},
      {"CHANNEL_ORIGINATE", "CS_INIT", "2"},
      {"CHANNEL_STATE", "CS_ROUTING", "2"},
      {"CHANNEL_STATE", "CS_CONSUME_MEDIA", "7"},
      {"CHANNEL_ANSWER", "CS_CONSUME_MEDIA", "7"},
      {"CHANNEL_CALLSTATE", "CS_CONSUME_MEDIA", "7"},
      {"CHANNEL_STATE", "CS_EXECUTE", "4"},
      {"CHANNEL_EXECUTE", "CS_EXECUTE", "4"},
      {"CHANNEL_PARK", "CS_EXECUTE", "4"},
      {"CHANNEL_HANGUP", "CS_EXECUTE", "10"},
      {"CHANNEL_UNPARK", "CS_EXECUTE", "10"},
      {"CHANNEL_EXECUTE_COMPLETE", "CS_EXECUTE", "10"},
      {"CHANNEL_STATE", "CS_HANGUP", "10"},
      {"CHANNEL_CALLSTATE", "CS_HANGUP", "10"},
      {"CHANNEL_STATE", "CS_REPORTING", "11"},
      {"CHANNEL_HANGUP_COMPLETE", "CS_REPORTING", "11"},
      {"CHANNEL_DESTROY", "CS_REPORTING", "12"},
      {"CHANNEL_STATE", "CS_DESTROY", "12"},
  };
  auto events = recorder_->for_channel(uuid);
  auto actual = rows(events);
  // The answer's CHANNEL_CALLSTATE is fired by the answering thread while the leg's own state
  // thread goes on from CONSUME_MEDIA to EXECUTE: its Channel-State-Number is the state of that
  // moment, 7 or already 4 (FreeSWITCH reads channel->state the same way). Seen as 4 under ASan
  // on a loaded machine.
  if (actual.size() > 7 && std::get<0>(actual[7]) == "CHANNEL_CALLSTATE" &&
      std::get<2>(actual[7]) == "4") {
    std::get<2>(actual[7]) = "7";
  }
  EXPECT_EQ(actual, expected);
  ASSERT_EQ(events.size(), expected.size());
  EXPECT_EQ(header(events[0], "Channel-Name"), "null/1000");
  EXPECT_EQ(header(events[6], "Channel-Call-State"), "DOWN");
  EXPECT_EQ(header(events[6], "Answer-State"), "answered");
  EXPECT_EQ(header(events[7], "Original-Channel-Call-State"), "DOWN");
  EXPECT_EQ(header(events[7], "Channel-Call-State-Number"), "4");
  EXPECT_EQ(header(events[9], "Application"), "park");
  EXPECT_EQ(events[9]->event().header("Application-Data"), nullptr);
  EXPECT_EQ(header(events[11], "Hangup-Cause"), "NORMAL_CLEARING");
  EXPECT_EQ(header(events[11], "Answer-State"), "hangup");
  EXPECT_EQ(header(events[13], "Application-Response"), "_none_");
  EXPECT_EQ(header(events[15], "Original-Channel-Call-State"), "ACTIVE");
  EXPECT_EQ(header(events[15], "Channel-Call-State-Number"), "7");
  // CHANNEL_HANGUP_COMPLETE carries Hangup-Cause twice.
  int causes = 0;
  for (const auto& h : events[17]->event().headers()) causes += h.name == "Hangup-Cause";
  EXPECT_EQ(causes, 2);
  // Variables only where FreeSWITCH adds them.
  EXPECT_NE(events[2]->event().header("variable_uuid"), nullptr);
  EXPECT_EQ(events[1]->event().header("variable_uuid"), nullptr);
  EXPECT_EQ(header(events[2], "variable_direction"), "outbound");
}

TEST_F(OriginateEventsTest, LoopbackBLegRunsTheInlineDialplan) {
  std::string uuid = uuid_of(api("originate", "loopback/m:^:answer^park/default/inline &park()"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  auto a_events = recorder_->for_channel(uuid);
  std::string b_uuid;
  ASSERT_TRUE(eventually([&] {
    auto v = switch_->locate(uuid);
    if (!v) return false;
    b_uuid = v->variable("other_loopback_leg_uuid").value_or("");
    return !b_uuid.empty();
  }));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", b_uuid));
  std::vector<std::string> expected_b = {
      "CHANNEL_STATE",   "CHANNEL_CREATE",    "CHANNEL_CALLSTATE",
      "CHANNEL_STATE",   "CHANNEL_STATE",     "CHANNEL_EXECUTE",
      "CHANNEL_ANSWER",  "CHANNEL_CALLSTATE", "CHANNEL_EXECUTE_COMPLETE",
      "CHANNEL_EXECUTE", "CHANNEL_PARK"};
  auto b_events = recorder_->for_channel(b_uuid);
  EXPECT_EQ(names(b_events), expected_b);
  EXPECT_EQ(header(b_events[2], "Channel-Call-State"), "RINGING");
  EXPECT_EQ(header(b_events[3], "Channel-State"), "CS_ROUTING");
  EXPECT_EQ(header(b_events[0], "Channel-Name"), "loopback/m:^:answer^park-b");
  // A was answered through B's answer and hangs up with B.
  EXPECT_EQ(api("uuid_kill", b_uuid + " USER_BUSY"), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", uuid));
  for (const auto& e : recorder_->for_channel(uuid)) {
    if (header(e, "Event-Name") == "CHANNEL_HANGUP") {
      EXPECT_EQ(header(e, "Hangup-Cause"), "USER_BUSY");
    }
  }
}

TEST_F(OriginateEventsTest, FailuresReportTheCause) {
  EXPECT_EQ(api("originate", "error/user_busy &park()"), "-ERR USER_BUSY\n");
  EXPECT_EQ(api("originate", "foo/bar &park()"), "-ERR CHAN_NOT_IMPLEMENTED\n");
  EXPECT_EQ(api("originate", "null/cause-CALL_REJECTED &park()"), "-ERR CALL_REJECTED\n");
  EXPECT_EQ(api("originate", "null/1"),
            "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] "
            "[<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n");
  EXPECT_EQ(api("uuid_kill", ""), "-USAGE: <uuid> [cause]\n");
  EXPECT_EQ(api("uuid_kill", "nope"), "-ERR No such channel!\n");
}

TEST_F(OriginateEventsTest, UnansweredNullLegTimesOutWithNoAnswer) {
  EXPECT_EQ(api("originate", "{null_enable_auto_answer=false,originate_timeout=1}null/1 &park()"),
            "-ERR NO_ANSWER\n");
}

}  // namespace
}  // namespace es::sw::testing
