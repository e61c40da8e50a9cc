// Call-control API commands (docs/api-behaviour.md §3, hupall of §5): every reply text and the
// behaviour behind it, on null and loopback legs.
#include <gtest/gtest.h>

#include "switch/session/session.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

std::string uuid_of(const std::string& reply) {
  EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  return reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
}

class ControlCommandsTest : public SwitchFixture {
 protected:
  std::string parked_leg(const std::string& vars = {}) {
    std::string uuid = uuid_of(api("originate", vars + "null/1 &park"));
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
    return uuid;
  }
  bool variable_becomes(const std::string& uuid, const std::string& name,
                        const std::string& value) {
    return eventually([&] {
      auto s = switch_->find(uuid);
      return s && s->variable(name) == value;
    });
  }
  std::vector<core::FiredEventPtr> events(const std::string& uuid, const std::string& name) {
    std::vector<core::FiredEventPtr> out;
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") == name) out.push_back(e);
    }
    return out;
  }
  std::string hangup_cause(const std::string& uuid) {
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", uuid));
    auto hangups = events(uuid, "CHANNEL_HANGUP");
    return hangups.empty() ? std::string() : header(hangups.front(), "Hangup-Cause");
  }
};

constexpr const char* kTransferUsage =
    "-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n";

TEST_F(ControlCommandsTest, TransferMovesAParkedLegToAnInlineExtension) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_transfer", ""), kTransferUsage);
  EXPECT_EQ(api("uuid_transfer", uuid), kTransferUsage);
  EXPECT_EQ(api("uuid_transfer", "no-such-uuid 1000"), "-ERR No such channel!\n");

  EXPECT_EQ(api("uuid_transfer", uuid + " 'set:x=1,park' inline"), "+OK\n");
  EXPECT_TRUE(variable_becomes(uuid, "x", "1"));
  EXPECT_TRUE(recorder_->wait_until([&](const auto& all) {
    int parks = 0;
    for (const auto& e : all)
      if (header(e, "Event-Name") == "CHANNEL_PARK" && header(e, "Unique-ID") == uuid) ++parks;
    return parks == 2;
  }));
  auto s = switch_->locate(uuid);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->profile().dialplan, "inline");
  // The parked, transferred channel is still listed.
  EXPECT_NE(api("show", "channels").find(uuid), std::string::npos);

  // -bleg without a partner transfers the channel itself.
  EXPECT_EQ(api("uuid_transfer", uuid + " -bleg 'set:y=2,park' inline"), "+OK\n");
  EXPECT_TRUE(variable_becomes(uuid, "y", "2"));
}

TEST_F(ControlCommandsTest, TransferBothMovesBothBridgedLegs) {
  std::string a = uuid_of(api("originate", "null/1 &bridge(null/2)"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", a));
  std::string b = header(events(a, "CHANNEL_BRIDGE").front(), "Bridge-B-Unique-ID");
  ASSERT_TRUE(eventually([&] {
    auto s = switch_->locate(a);
    return s && s->partner_uuid() == b;
  }));
  EXPECT_EQ(api("uuid_transfer", a + " -both 'set:moved=yes,park' inline"), "+OK\n");
  EXPECT_TRUE(variable_becomes(a, "moved", "yes"));
  EXPECT_TRUE(variable_becomes(b, "moved", "yes"));
  EXPECT_TRUE(switch_->locate(a));
  EXPECT_TRUE(switch_->locate(b));
}

TEST_F(ControlCommandsTest, BroadcastQueuesLockedExecuteCommands) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_broadcast", ""), "-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n");
  EXPECT_EQ(api("uuid_broadcast", uuid), "-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n");
  EXPECT_EQ(api("uuid_broadcast", "no-such-uuid set::a=1"), "-ERR invalid uuid\n");

  EXPECT_EQ(api("uuid_broadcast", uuid + " set::z=5"), "+OK Message sent\n");
  EXPECT_TRUE(variable_becomes(uuid, "z", "5"));
  ASSERT_TRUE(recorder_->wait_for("PRIVATE_COMMAND", uuid));
  auto command = events(uuid, "PRIVATE_COMMAND").front();
  EXPECT_EQ(header(command, "call-command"), "execute");
  EXPECT_EQ(header(command, "execute-app-name"), "set");
  EXPECT_EQ(header(command, "execute-app-arg"), "z=5");
  EXPECT_EQ(header(command, "event-lock"), "true");
  EXPECT_EQ(header(command, "lead-frames"), "5");
  EXPECT_EQ(header(command, "hold-bleg"), "true");

  // A word naming no leg to run on runs nothing, yet reports success.
  EXPECT_EQ(api("uuid_broadcast", uuid + " set::q=1 holdb"), "+OK Message sent\n");
  EXPECT_EQ(api("uuid_broadcast", uuid + " set::q=2 nothing"), "+OK Message sent\n");
  EXPECT_EQ(api("uuid_broadcast", uuid + " set::r=3 ALEG"), "+OK Message sent\n");
  EXPECT_TRUE(variable_becomes(uuid, "r", "3"));
  EXPECT_FALSE(switch_->locate(uuid)->variable("q"));

  // <app>!<cause>::<arg> hangs the channel up after the application.
  EXPECT_EQ(api("uuid_broadcast", uuid + " set!user_busy::w=9"), "+OK Message sent\n");
  EXPECT_EQ(hangup_cause(uuid), "USER_BUSY");
  EXPECT_EQ(header(events(uuid, "CHANNEL_HANGUP").front(), "variable_w"), "9");
}

TEST_F(ControlCommandsTest, BroadcastToTheBLegAndBoth) {
  std::string a = uuid_of(api("originate", "null/1 &bridge(null/2)"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", a));
  std::string b = header(events(a, "CHANNEL_BRIDGE").front(), "Bridge-B-Unique-ID");
  ASSERT_TRUE(eventually([&] {
    auto s = switch_->locate(a);
    return s && s->partner_uuid() == b;
  }));
  EXPECT_EQ(api("uuid_broadcast", a + " set::side=b bleg"), "+OK Message sent\n");
  EXPECT_TRUE(variable_becomes(b, "side", "b"));
  EXPECT_EQ(api("uuid_broadcast", a + " set::all=1 both"), "+OK Message sent\n");
  EXPECT_TRUE(variable_becomes(a, "all", "1"));
  EXPECT_TRUE(variable_becomes(b, "all", "1"));
  EXPECT_FALSE(switch_->locate(a)->variable("side"));
}

TEST_F(ControlCommandsTest, BreakAllFlushesQueuedCommandsAndStopsTheApplication) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_break", ""), "-USAGE: <uuid> [all]\n");
  EXPECT_EQ(api("break", ""), "-USAGE: <uuid> [all]\n");
  EXPECT_EQ(api("uuid_break", "no-such-uuid"), "-ERR No such channel!\n");

  // A locked sleep keeps the next broadcast queued.
  auto s = switch_->locate(uuid);
  ASSERT_TRUE(s);
  auto sleep_completed = [&](std::chrono::milliseconds timeout) {
    return recorder_->wait_until(
        [&](const auto& all) {
          for (const auto& e : all) {
            if (header(e, "Event-Name") == "CHANNEL_EXECUTE_COMPLETE" &&
                header(e, "Unique-ID") == uuid && header(e, "Application") == "sleep")
              return true;
          }
          return false;
        },
        timeout);
  };
  EXPECT_EQ(api("uuid_broadcast", uuid + " sleep::100000"), "+OK Message sent\n");
  ASSERT_TRUE(eventually([&] { return s->variable("current_application") == "sleep"; }));
  EXPECT_EQ(api("uuid_broadcast", uuid + " set::late=1"), "+OK Message sent\n");
  EXPECT_EQ(s->queued_commands(), 1u);
  EXPECT_EQ(api("uuid_break", uuid + " all"), "+OK\n");
  EXPECT_EQ(s->queued_commands(), 0u);
  // A break landing while sleep is still starting is cleared by it; breaking again is harmless.
  ASSERT_TRUE(eventually([&] {
    api("uuid_break", uuid + " all");
    return sleep_completed(std::chrono::milliseconds(20));
  }));
  EXPECT_FALSE(s->variable("late"));
  recorder_->clear();

  // Without "all" the queued command survives the break and runs.
  EXPECT_EQ(api("uuid_broadcast", uuid + " sleep::100000"), "+OK Message sent\n");
  EXPECT_TRUE(eventually([&] { return s->variable("current_application") == "sleep"; }));
  EXPECT_EQ(api("uuid_broadcast", uuid + " set::kept=1"), "+OK Message sent\n");
  EXPECT_EQ(api("break", uuid), "+OK\n");
  EXPECT_TRUE(eventually([&] {
    api("break", uuid);
    return s->variable("kept") == "1";
  }));
}

TEST_F(ControlCommandsTest, SetvarMulti) {
  std::string uuid = parked_leg();
  const std::string usage = "-USAGE: <uuid> <var>=<value>;<var>=<value>...\n";
  EXPECT_EQ(api("uuid_setvar_multi", ""), usage);
  EXPECT_EQ(api("uuid_setvar_multi", uuid), "");
  EXPECT_EQ(api("uuid_setvar_multi", "no-such-uuid a=1"), "-ERR No such channel!\n" + usage);
  EXPECT_EQ(api("uuid_setvar_multi", uuid + " a=1;b=two words;c=x=y"), "+OK\n");
  auto s = switch_->locate(uuid);
  EXPECT_EQ(s->variable("a"), "1");
  EXPECT_EQ(s->variable("b"), "two words");
  EXPECT_EQ(s->variable("c"), "x=y");
  EXPECT_EQ(api("uuid_setvar_multi", uuid + " a"), "+OK\n");
  EXPECT_FALSE(s->variable("a"));
  EXPECT_EQ(api("uuid_setvar_multi", uuid + " =1"), "-ERR No variable specified\n" + usage);
  EXPECT_EQ(api("uuid_setvar_multi", uuid + " =1;d=4"), "-ERR No variable specified\n+OK\n");
  EXPECT_EQ(s->variable("d"), "4");
}

TEST_F(ControlCommandsTest, DumpFormats) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_dump", ""), "-USAGE: <uuid> [format]\n");
  EXPECT_EQ(api("uuid_dump", "no-such-uuid"), "-ERR No such channel!\n");
  EXPECT_EQ(api("uuid_setvar", uuid + " greeting hello world"), "+OK\n");

  std::string txt = api("uuid_dump", uuid);
  EXPECT_EQ(txt.rfind("Event-Name: CHANNEL_DATA\n", 0), 0u) << txt;
  EXPECT_NE(txt.find("Unique-ID: " + uuid + "\n"), std::string::npos);
  EXPECT_NE(txt.find("variable_greeting: hello%20world\n"), std::string::npos);
  EXPECT_EQ(txt.substr(txt.size() - 2), "\n\n");
  EXPECT_EQ(api("uuid_dump", uuid + " txt").find("variable_greeting: hello%20world\n") !=
                std::string::npos,
            true);

  std::string plain = api("uuid_dump", uuid + " plain");
  EXPECT_EQ(plain.rfind("Event-Name: [CHANNEL_DATA]\n", 0), 0u) << plain;
  EXPECT_NE(plain.find("variable_greeting: [hello world]\n"), std::string::npos);
  EXPECT_EQ(plain.substr(plain.size() - 2), "\n\n");

  std::string json = api("uuid_dump", uuid + " json");
  EXPECT_EQ(json.rfind("{\"Event-Name\":\"CHANNEL_DATA\"", 0), 0u) << json;
  EXPECT_NE(json.find("\"variable_greeting\":\"hello world\""), std::string::npos);

  std::string xml = api("uuid_dump", uuid + " XML");
  EXPECT_EQ(xml.rfind("<event>", 0), 0u) << xml;
  EXPECT_NE(xml.find("<variable_greeting>hello%20world</variable_greeting>"), std::string::npos)
      << xml;
}

TEST_F(ControlCommandsTest, FlushDtmf) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_flush_dtmf", ""), "-ERR No such session\n");
  EXPECT_EQ(api("uuid_flush_dtmf", "no-such-uuid"), "-ERR No such session\n");
  auto s = switch_->locate(uuid);
  EXPECT_EQ(api("uuid_flush_dtmf", uuid), "+OK\n");
  EXPECT_FALSE(s->has_dtmf());
}

TEST_F(ControlCommandsTest, HoldUnholdAndToggle) {
  std::string uuid = parked_leg();
  auto s = switch_->locate(uuid);
  EXPECT_EQ(api("uuid_hold", ""),
            "-USAGE: [off|toggle] <uuid> [<display>]\n-ERR Operation failed\n");
  EXPECT_EQ(api("uuid_hold", "no-such-uuid"), "+OK Success\n");
  EXPECT_EQ(api("uuid_hold", "off no-such-uuid"), "+OK Success\n");

  EXPECT_EQ(api("uuid_hold", uuid), "+OK Success\n");
  EXPECT_EQ(s->call_state(), CallState::kHeld);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HOLD", uuid));
  EXPECT_EQ(header(events(uuid, "CHANNEL_HOLD").front(), "Channel-Call-State"), "HELD");
  EXPECT_EQ(api("uuid_hold", uuid), "-ERR Operation failed\n");

  EXPECT_EQ(api("uuid_hold", "off " + uuid), "+OK Success\n");
  EXPECT_EQ(s->call_state(), CallState::kUnheld);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNHOLD", uuid));
  EXPECT_EQ(api("uuid_hold", "off " + uuid), "-ERR Operation failed\n");

  EXPECT_EQ(api("uuid_hold", "toggle " + uuid), "+OK Success\n");
  EXPECT_EQ(s->call_state(), CallState::kHeld);
  EXPECT_EQ(api("uuid_hold", "toggle " + uuid), "+OK Success\n");
  EXPECT_EQ(s->call_state(), CallState::kUnheld);
}

TEST_F(ControlCommandsTest, OutgoingAnswerRingReadyPhoneEventMediaEarlyOk) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_outgoing_answer", ""), "-USAGE: <uuid>\n");
  EXPECT_EQ(api("uuid_outgoing_answer", "no-such-uuid"), "-ERR No such channel!\n");
  EXPECT_EQ(api("uuid_outgoing_answer", uuid), "+OK\n");
  EXPECT_TRUE(switch_->locate(uuid)->answered());

  std::string a = uuid_of(api("originate", "loopback/m:^:answer^park/default/inline &park"));
  std::string inbound;
  ASSERT_TRUE(eventually([&] {
    auto s = switch_->locate(a);
    if (s) inbound = s->variable("other_loopback_leg_uuid").value_or("");
    return !inbound.empty();
  }));
  EXPECT_EQ(api("uuid_outgoing_answer", inbound), "-ERR Not an outbound channel!\n");

  EXPECT_EQ(api("uuid_ring_ready", ""), "-USAGE: <uuid> [queued]\n");
  EXPECT_EQ(api("uuid_ring_ready", uuid + " later"), "-USAGE: <uuid> [queued]\n");
  EXPECT_EQ(api("uuid_ring_ready", "no-such-uuid"), "-ERROR\n");
  EXPECT_EQ(api("uuid_ring_ready", uuid), "+OK\n");
  EXPECT_EQ(api("uuid_ring_ready", uuid + " QUEUED"), "+OK\n");
  EXPECT_EQ(switch_->locate(uuid)->call_state(), CallState::kRingWait);

  EXPECT_EQ(api("uuid_phone_event", ""), "-USAGE: <uuid>\n-ERR Operation failed\n");
  EXPECT_EQ(api("uuid_phone_event", "no-such-uuid"), "-ERR Operation failed\n");
  EXPECT_EQ(api("uuid_phone_event", uuid + " hold"), "+OK Success\n");

  EXPECT_EQ(api("uuid_media", ""), "-USAGE: [off] <uuid>\n-ERR Operation failed\n");
  EXPECT_EQ(api("uuid_media", uuid), "-ERR Operation failed\n");
  EXPECT_EQ(api("uuid_media", "off no-such-uuid"), "-ERR Operation failed\n");
  EXPECT_EQ(api("uuid_media", "off " + uuid), "+OK Success\n");
  EXPECT_EQ(api("uuid_media", uuid), "+OK Success\n");
  EXPECT_EQ(api("uuid_media", uuid), "-ERR Operation failed\n");

  EXPECT_EQ(api("uuid_early_ok", uuid), "");
  EXPECT_EQ(api("uuid_early_ok", ""), "-ERROR\n");
  EXPECT_EQ(api("uuid_early_ok", "no-such-uuid"), "-ERROR\n");
}

TEST_F(ControlCommandsTest, SessionHeartbeatReplies) {
  std::string uuid = parked_leg();
  const std::string usage = "-USAGE: uuid_session_heartbeat <uuid> [sched] [0|<seconds>]\n";
  EXPECT_EQ(api("uuid_session_heartbeat", ""), usage);
  EXPECT_EQ(api("uuid_session_heartbeat", uuid), usage);
  EXPECT_EQ(api("uuid_session_heartbeat", "no-such-uuid 5"),
            "-ERR Cannot locate session. USAGE: uuid_session_heartbeat <uuid> [sched] "
            "[0|<seconds>]\n");
  EXPECT_EQ(api("uuid_session_heartbeat", uuid + " 5"), "+OK\n");
  EXPECT_EQ(api("uuid_session_heartbeat", uuid + " off"), "+OK\n");
}

TEST_F(ControlCommandsTest, HupallWithCauseAndVariableFilters) {
  std::string a = parked_leg("{team=red,site=x}");
  std::string b = parked_leg("{team=red,site=y}");
  std::string c = parked_leg("{team=blue}");
  EXPECT_EQ(api("hupall", "normal_clearing team red site y"),
            "+OK hangup all channels matching [team]=[red]... with cause: NORMAL_CLEARING\n");
  EXPECT_EQ(hangup_cause(b), "NORMAL_CLEARING");
  EXPECT_TRUE(switch_->locate(a));
  EXPECT_EQ(api("hupall", "17 team red"),
            "+OK hangup all channels matching [team]=[red] with cause: USER_BUSY\n");
  EXPECT_EQ(hangup_cause(a), "USER_BUSY");
  EXPECT_TRUE(switch_->locate(c));
  EXPECT_EQ(api("hupall", "bogus"), "+OK hangup all channels with cause MANAGER_REQUEST\n");
  EXPECT_EQ(hangup_cause(c), "MANAGER_REQUEST");
  EXPECT_EQ(api("hupall", ""), "+OK hangup all channels with cause MANAGER_REQUEST\n");
  EXPECT_EQ(api("hupall", "CALL_REJECTED"), "+OK hangup all channels with cause CALL_REJECTED\n");
}

TEST_F(ControlCommandsTest, ExecuteExtensionRunsAnotherExtensionInline) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_broadcast", uuid + " 'execute_extension::set:e=1,set:f=2 inline'"),
            "+OK Message sent\n");
  EXPECT_TRUE(variable_becomes(uuid, "f", "2"));
  auto s = switch_->locate(uuid);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->variable("e"), "1");
  // Inline: the channel stays where it was (parked, same profile).
  EXPECT_TRUE(s->parked.load());
  EXPECT_EQ(s->profile().destination_number, "1");
}

}  // namespace
}  // namespace es::sw::testing
