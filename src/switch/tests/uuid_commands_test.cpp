// The reply texts of the uuid_* commands in commands/uuid_commands.cpp (docs/api-behaviour.md §3).
#include <gtest/gtest.h>

#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

class UuidCommandsTest : public SwitchFixture {
 protected:
  std::string parked(const std::string& dial) {
    std::string reply = api("originate", dial + " &park()");
    EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
    std::string uuid = reply.size() > 5 ? reply.substr(4, reply.size() - 5) : "";
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
    return uuid;
  }
};

TEST_F(UuidCommandsTest, GetvarAndSetvar) {
  std::string u = parked("null/1");
  EXPECT_EQ(api("uuid_getvar", ""), "-USAGE: <uuid> <var>\n");
  EXPECT_EQ(api("uuid_getvar", u), "-USAGE: <uuid> <var>\n");
  EXPECT_EQ(api("uuid_getvar", "nope x"), "-ERR No such channel!\n");
  EXPECT_EQ(api("uuid_getvar", u + " not_set"), "_undef_");
  EXPECT_EQ(api("uuid_setvar", ""), "-USAGE: <uuid> <var> [value]\n");
  EXPECT_EQ(api("uuid_setvar", "nope x y"), "-ERR No such channel!\n");
  EXPECT_EQ(api("uuid_setvar", u + " greeting hello there"), "+OK\n");
  EXPECT_EQ(api("uuid_getvar", u + " greeting"), "hello there");
  EXPECT_EQ(api("uuid_setvar", u + " greeting"), "+OK\n");  // no value: unset
  EXPECT_EQ(api("uuid_getvar", u + " greeting"), "_undef_");
  // Profile fields and globals are found too, as for ${}.
  EXPECT_EQ(api("uuid_getvar", u + " destination_number"), "1");
  runtime_->globals().set("site", "lab");
  EXPECT_EQ(api("uuid_getvar", u + " site"), "lab");
  EXPECT_EQ(api("uuid_setvar", u + " list ARRAY::a|:b"), "+OK\n");
  EXPECT_EQ(api("uuid_getvar", u + " list[1]"), "b");
}

TEST_F(UuidCommandsTest, AnswerParkAndDtmf) {
  EXPECT_EQ(api("uuid_answer", "nope"), "-ERROR\n");
  EXPECT_EQ(api("uuid_pre_answer", "nope"), "-ERROR\n");
  EXPECT_EQ(api("uuid_park", "nope"), "-ERR No such channel!\n");
  std::string u = parked("null/2");
  EXPECT_EQ(api("uuid_answer", u), "+OK\n");
  EXPECT_EQ(api("uuid_send_dtmf", u), "-USAGE: <uuid> <dtmf_data>\n");
  EXPECT_EQ(api("uuid_send_dtmf", "nope 1"), "-ERR Cannot locate session!\n");
  EXPECT_EQ(api("uuid_send_dtmf", u + " xyz"), "-ERR Operation failed\n");
  EXPECT_EQ(api("uuid_send_dtmf", u + " 12#"), "+OK " + u + " sent DTMF 12#.\n");
  // The null endpoint keeps what it was sent.
  EXPECT_EQ(api("uuid_getvar", u + " null_channel_dtmf_queued"), "12#");
  EXPECT_EQ(api("uuid_recv_dtmf", u), "-USAGE: <uuid> <dtmf_data>\n");
  EXPECT_EQ(api("uuid_recv_dtmf", "nope 1"), "-ERR Cannot locate session!\n");
  EXPECT_EQ(api("uuid_recv_dtmf", u + " 7"), "+OK " + u + " received DTMF 7.\n");
  // A parked channel dequeues received digits and fires their DTMF events.
  ASSERT_TRUE(recorder_->wait_for("DTMF", u));
  for (const auto& e : recorder_->for_channel(u)) {
    if (header(e, "Event-Name") == "DTMF") {
      EXPECT_EQ(header(e, "DTMF-Digit"), "7");
    }
  }
  EXPECT_EQ(api("uuid_park", u), "+OK\n");
  EXPECT_EQ(api("uuid_kill", u + " USER_BUSY"), "+OK\n");
  EXPECT_EQ(api("uuid_kill", u), "-ERR No such channel!\n");
}

TEST_F(UuidCommandsTest, UnknownApplicationHangsUpWithDestinationOutOfOrder) {
  std::string reply = api("originate", "null/3 &no_such_application()");
  ASSERT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  std::string u = reply.substr(4, reply.size() - 5);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", u));
  for (const auto& e : recorder_->for_channel(u)) {
    if (header(e, "Event-Name") == "CHANNEL_HANGUP") {
      EXPECT_EQ(header(e, "Hangup-Cause"), "DESTINATION_OUT_OF_ORDER");
    }
    EXPECT_NE(header(e, "Event-Name"), "CHANNEL_EXECUTE");
  }
}

TEST_F(UuidCommandsTest, ShowChannelsListsLiveChannels) {
  std::string u1 = parked("null/41");
  std::string u2 = parked("null/42");
  std::string table = api("show", "channels");
  EXPECT_NE(table.find(u1 + ",outbound,"), std::string::npos) << table;
  EXPECT_NE(table.find(",null/42,CS_EXECUTE,"), std::string::npos) << table;
  EXPECT_NE(table.find("\n\n2 total.\n"), std::string::npos) << table;
  EXPECT_EQ(api("show", "channels count"), "\n2 total.\n");
  std::string json = api("show", "channels as json");
  EXPECT_NE(json.find("\"row_count\":2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"uuid\":\"" + u2 + "\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"application\":\"park\""), std::string::npos) << json;
}

}  // namespace
}  // namespace es::sw::testing
