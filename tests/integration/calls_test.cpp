// Calls end to end over TCP: originate / uuid_kill event sequences (docs/event-formats.md §8),
// originate failures (docs/api-behaviour.md §4), sendmsg, myevents and sendevent on live channels
// (docs/wire-protocol.md §5.6, §5.8, §5.9), the default dialplan's IVR, and simulated time.
#include <tuple>

#include "call_events.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

using Row = std::tuple<std::string, std::string, std::string>;  // name, state, state number

std::vector<Row> rows(const std::vector<SeenEvent>& events) {
  std::vector<Row> out;
  out.reserve(events.size());
  for (const auto& e : events) {
    out.emplace_back(e.name(), e.get("Channel-State"), e.get("Channel-State-Number"));
  }
  return out;
}

std::vector<std::string> names(const std::vector<SeenEvent>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(e.name());
  return out;
}

// The events from the first CHANNEL_HANGUP on.
std::vector<SeenEvent> from_hangup(const std::vector<SeenEvent>& events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].name() == "CHANNEL_HANGUP") return {events.begin() + i, events.end()};
  }
  return {};
}

// docs/event-formats.md §8.1 steps 12-20: how every parked channel ends.
const std::vector<std::string> kParkedHangupTail = {
    "CHANNEL_HANGUP",          "CHANNEL_UNPARK",    "CHANNEL_EXECUTE_COMPLETE",
    "CHANNEL_STATE",           "CHANNEL_CALLSTATE", "CHANNEL_STATE",
    "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY",   "CHANNEL_STATE"};

const std::string kOriginateUsage =
    "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
    "[<cid_name>] [<cid_num>] [<timeout_sec>]\n";

class CallsTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(control_, port()));
    ASSERT_TRUE(subscriber_.start(port()));
  }
  // Originates `dial_string` parked and waits until the subscriber saw it park.
  std::string originate_parked(std::string_view dial_string) {
    std::string uuid = ok_uuid(api(control_, "originate " + std::string(dial_string) + " &park()"));
    if (!uuid.empty()) {
      EXPECT_TRUE(subscriber_.wait_for("CHANNEL_PARK", uuid)) << dial_string;
    }
    return uuid;
  }
  void kill_and_wait(const std::string& uuid) {
    EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
    EXPECT_TRUE(subscriber_.wait_destroyed(uuid)) << uuid;
  }
  // Sends a sendmsg packet and expects exactly the command/reply `reply_text`.
  void sendmsg(const std::string& packet, std::string_view reply_text) {
    expect_reply(control_, packet, reply_frame(reply_text));
  }

  TestClient control_;     // api, bgapi, sendmsg; subscribed to nothing
  Subscriber subscriber_;  // event plain ALL
};

TEST_F(CallsTest, NullOriginateAndKillFollowTheReferenceSequence) {
  std::string uuid = originate_parked("null/1000");
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  ASSERT_TRUE(subscriber_.wait_destroyed(uuid));

  const std::vector<Row> expected = {
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
  auto events = subscriber_.for_channel(uuid);
  EXPECT_EQ(rows(events), expected);
  ASSERT_EQ(events.size(), expected.size());

  for (const auto& e : events) {
    EXPECT_EQ(e.get("Channel-Name"), "null/1000") << e.name();
    EXPECT_EQ(e.get("Call-Direction"), "outbound") << e.name();
  }
  // Basic channel data right after the standard headers, in docs/event-formats.md §5.1 order.
  const auto& state_init = events[1].plain.headers;
  std::size_t seq = 0;
  while (seq < state_init.size() && state_init[seq].name != "Event-Sequence") ++seq;
  std::vector<std::string> basic;
  for (std::size_t i = seq + 1; i < state_init.size() && basic.size() < 10; ++i) {
    basic.push_back(state_init[i].name);
  }
  EXPECT_EQ(basic, (std::vector<std::string>{
                       "Channel-State", "Channel-Call-State", "Channel-State-Number",
                       "Channel-Name", "Unique-ID", "Call-Direction", "Presence-Call-Direction",
                       "Channel-HIT-Dialplan", "Channel-Call-UUID", "Answer-State"}));
  EXPECT_EQ(events[1].get("Channel-HIT-Dialplan"), "false");
  EXPECT_EQ(events[1].get("Channel-Call-UUID"), uuid);
  EXPECT_EQ(events[1].get("Answer-State"), "ringing");
  EXPECT_EQ(events[1].get("Channel-Call-State"), "DOWN");

  // CHANNEL_CREATE carries the profile and the variables; CHANNEL_STATE does not.
  EXPECT_EQ(events[2].get("Caller-Destination-Number"), "1000");
  EXPECT_EQ(events[2].get("Caller-Callee-ID-Name"), "Outbound Call");
  EXPECT_EQ(events[2].get("Caller-Callee-ID-Number"), "1000");
  EXPECT_EQ(events[2].get("Caller-Context"), "default");
  EXPECT_EQ(events[2].get("variable_uuid"), uuid);
  EXPECT_EQ(events[2].get("variable_direction"), "outbound");
  EXPECT_FALSE(events[1].has("variable_uuid"));

  EXPECT_EQ(events[6].get("Channel-Call-State"), "DOWN");
  EXPECT_EQ(events[6].get("Answer-State"), "answered");
  EXPECT_EQ(events[7].get("Original-Channel-Call-State"), "DOWN");
  EXPECT_EQ(events[7].get("Channel-Call-State"), "ACTIVE");
  EXPECT_EQ(events[7].get("Channel-Call-State-Number"), "4");
  EXPECT_EQ(events[9].get("Application"), "park");
  EXPECT_FALSE(events[9].has("Application-Data"));
  EXPECT_EQ(events[11].get("Hangup-Cause"), "NORMAL_CLEARING");
  EXPECT_EQ(events[11].get("Answer-State"), "hangup");
  EXPECT_EQ(events[13].get("Application"), "park");
  EXPECT_EQ(events[13].get("Application-Response"), "_none_");
  EXPECT_EQ(events[15].get("Original-Channel-Call-State"), "ACTIVE");
  EXPECT_EQ(events[15].get("Channel-Call-State"), "HANGUP");
  EXPECT_EQ(events[15].get("Channel-Call-State-Number"), "7");
  EXPECT_EQ(events[17].count("Hangup-Cause"), 2);
  EXPECT_EQ(events[17].get("Hangup-Cause"), "NORMAL_CLEARING");

  // The API events: originate's after the answer, uuid_kill's after the hangup; no channel data.
  auto is_api = [](const std::string& command, const std::string& argument) {
    return [=](const SeenEvent& e) {
      return e.name() == "API" && e.get("API-Command") == command &&
             e.get("API-Command-Argument") == argument;
    };
  };
  auto is_channel_event = [&](const std::string& name) {
    return [=](const SeenEvent& e) { return e.name() == name && e.get("Unique-ID") == uuid; };
  };
  auto originate_api = subscriber_.wait_for(is_api("originate", "null/1000 &park()"));
  auto kill_api = subscriber_.wait_for(is_api("uuid_kill", uuid));
  ASSERT_TRUE(originate_api && kill_api);
  EXPECT_FALSE(originate_api->has("Unique-ID"));
  EXPECT_FALSE(originate_api->has("Channel-State"));
  EXPECT_GT(subscriber_.index_of(is_api("originate", "null/1000 &park()")),
            subscriber_.index_of(is_channel_event("CHANNEL_ANSWER")));
  EXPECT_GT(subscriber_.index_of(is_api("uuid_kill", uuid)),
            subscriber_.index_of(is_channel_event("CHANNEL_HANGUP")));
}

TEST_F(CallsTest, LoopbackThroughBgapiAndKillingOneLegEndsBoth) {
  std::string job = bgapi(control_, "originate loopback/9999 &park()");
  ASSERT_FALSE(job.empty());
  auto done = subscriber_.wait_for(
      [&](const SeenEvent& e) { return e.name() == "BACKGROUND_JOB" && e.get("Job-UUID") == job; });
  ASSERT_TRUE(done);
  EXPECT_EQ(done->get("Job-Command"), "originate");
  EXPECT_EQ(done->get("Job-Command-Arg"), "loopback/9999 &park()");
  EXPECT_FALSE(done->has("Job-Owner-UUID"));
  ASSERT_TRUE(done->plain.has_body);
  std::string a = ok_uuid(done->plain.body);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(done->plain.body, "+OK " + a + "\n");
  EXPECT_EQ(done->get("Content-Length"), std::to_string(done->plain.body.size()));

  ASSERT_TRUE(subscriber_.wait_for("CHANNEL_PARK", a));
  std::string b = api(control_, "uuid_getvar " + a + " other_loopback_leg_uuid");
  ASSERT_TRUE(looks_like_uuid(b)) << b;
  EXPECT_EQ(api(control_, "uuid_getvar " + b + " other_loopback_leg_uuid"), a);
  ASSERT_TRUE(subscriber_.wait_for("CHANNEL_PARK", b));

  // A (outbound): created like any originated leg; answered through B's answer, then parks.
  auto a_events = subscriber_.for_channel(a);
  ASSERT_GE(a_events.size(), 4u);
  EXPECT_EQ(rows({a_events.begin(), a_events.begin() + 4}),
            (std::vector<Row>{{"CHANNEL_OUTGOING", "CS_NONE", "1"},
                              {"CHANNEL_STATE", "CS_INIT", "1"},
                              {"CHANNEL_CREATE", "CS_INIT", "2"},
                              {"CHANNEL_ORIGINATE", "CS_INIT", "2"}}));
  EXPECT_EQ(a_events[0].get("Channel-Name"), "loopback/9999-a");
  EXPECT_EQ(a_events[2].get("Call-Direction"), "outbound");
  EXPECT_EQ(a_events[2].get("variable_loopback_leg"), "A");
  std::vector<std::string> a_milestones;
  for (const auto& e : a_events) {
    if (e.name() == "CHANNEL_ANSWER" || e.name() == "CHANNEL_PARK" ||
        (e.name() == "CHANNEL_CALLSTATE" && e.get("Channel-Call-State") == "ACTIVE") ||
        (e.name() == "CHANNEL_EXECUTE" && e.get("Application") == "park")) {
      a_milestones.push_back(e.name());
    }
  }
  EXPECT_EQ(a_milestones, (std::vector<std::string>{"CHANNEL_ANSWER", "CHANNEL_CALLSTATE",
                                                    "CHANNEL_EXECUTE", "CHANNEL_PARK"}));

  // B (inbound): docs/event-formats.md §8.2 through the default dialplan's 9999 (answer, park).
  auto b_events = subscriber_.for_channel(b);
  EXPECT_EQ(names(b_events),
            (std::vector<std::string>{
                "CHANNEL_STATE", "CHANNEL_CREATE", "CHANNEL_CALLSTATE", "CHANNEL_STATE",
                "CHANNEL_STATE", "CHANNEL_EXECUTE", "CHANNEL_ANSWER", "CHANNEL_CALLSTATE",
                "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_EXECUTE", "CHANNEL_PARK"}));
  ASSERT_EQ(b_events.size(), 11u);
  EXPECT_EQ(b_events[0].get("Channel-Name"), "loopback/9999-b");
  EXPECT_EQ(b_events[0].get("Channel-State"), "CS_INIT");
  EXPECT_EQ(b_events[1].get("Call-Direction"), "inbound");
  EXPECT_EQ(b_events[1].get("Channel-HIT-Dialplan"), "true");
  EXPECT_EQ(b_events[1].get("variable_loopback_leg"), "B");
  EXPECT_EQ(b_events[1].get("variable_other_loopback_leg_uuid"), a);
  EXPECT_EQ(b_events[2].get("Original-Channel-Call-State"), "DOWN");
  EXPECT_EQ(b_events[2].get("Channel-Call-State"), "RINGING");
  EXPECT_EQ(b_events[3].get("Channel-State"), "CS_ROUTING");
  EXPECT_EQ(b_events[4].get("Channel-State"), "CS_EXECUTE");
  EXPECT_EQ(b_events[5].get("Application"), "answer");
  EXPECT_EQ(b_events[6].get("Channel-Call-State"), "RINGING");
  EXPECT_EQ(b_events[7].get("Original-Channel-Call-State"), "RINGING");
  EXPECT_EQ(b_events[7].get("Channel-Call-State"), "ACTIVE");
  EXPECT_EQ(b_events[8].get("Application"), "answer");
  EXPECT_EQ(b_events[9].get("Application"), "park");

  // Killing A hangs up B with the same cause; both end as in docs/event-formats.md §8.1,
  // steps 12-20.
  EXPECT_EQ(api(control_, "uuid_kill " + a), "+OK\n");
  ASSERT_TRUE(subscriber_.wait_destroyed(a));
  ASSERT_TRUE(subscriber_.wait_destroyed(b));
  for (const std::string& leg : {a, b}) {
    auto tail = from_hangup(subscriber_.for_channel(leg));
    EXPECT_EQ(names(tail), kParkedHangupTail) << leg;
    if (!tail.empty()) {
      EXPECT_EQ(tail[0].get("Hangup-Cause"), "NORMAL_CLEARING") << leg;
    }
  }
  EXPECT_EQ(api(control_, "uuid_exists " + b), "false");
}

// uuid_transfer ends park with a break; that break must not reach the next extension's
// playback, which would stop after one frame and still report the file played.
TEST_F(CallsTest, TransferOutOfParkPlaysTheWholeToneOfTheNewExtension) {
  for (std::string dial : {"null/1020", "loopback/9999", "null/1021", "loopback/9999"}) {
    std::string uuid = originate_parked(dial);
    ASSERT_FALSE(uuid.empty());
    EXPECT_EQ(api(control_, "uuid_transfer " + uuid + " 9998"), "+OK\n");
    auto stop = subscriber_.wait_for("PLAYBACK_STOP", uuid);
    ASSERT_TRUE(stop) << dial;
    EXPECT_EQ(stop->get("Playback-Status"), "done") << dial;
    auto complete = subscriber_.wait_for("CHANNEL_HANGUP_COMPLETE", uuid);
    ASSERT_TRUE(complete) << dial;
    EXPECT_EQ(complete->get("variable_playback_ms"), "1000") << dial;
    EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
    if (dial.starts_with("loopback")) api(control_, "hupall");
  }
}

TEST_F(CallsTest, OriginateFailuresReplyWithTheCauseOrUsage) {
  expect_reply(control_, "api originate error/user_busy &park()\n\n",
               api_frame("-ERR USER_BUSY\n"));
  expect_reply(control_, "api originate foo/bar &park()\n\n",
               api_frame("-ERR CHAN_NOT_IMPLEMENTED\n"));
  expect_reply(control_, "api originate null/1000\n\n", api_frame(kOriginateUsage));
  expect_reply(control_, "api originate\n\n", api_frame(kOriginateUsage));
}

TEST_F(CallsTest, SendmsgExecutesOnAParkedChannel) {
  std::string uuid = originate_parked("null/1010");
  ASSERT_FALSE(uuid.empty());
  const std::string app_uuid = "c0ffee00-1111-4222-8333-444455556666";
  sendmsg("sendmsg " + uuid +
              "\ncall-command: execute\nexecute-app-name: set\nexecute-app-arg: foo=bar\n"
              "event-lock: true\nEvent-UUID: " +
              app_uuid + "\n\n",
          "+OK");
  auto with_app_uuid = [&](const std::string& name) {
    return [=](const SeenEvent& e) {
      return e.name() == name && e.get("Unique-ID") == uuid &&
             e.get("Application-UUID") == app_uuid;
    };
  };
  auto execute = subscriber_.wait_for(with_app_uuid("CHANNEL_EXECUTE"));
  auto complete = subscriber_.wait_for(with_app_uuid("CHANNEL_EXECUTE_COMPLETE"));
  auto is_private = [&](const SeenEvent& e) {
    return e.name() == "PRIVATE_COMMAND" && e.get("Unique-ID") == uuid &&
           e.get("Event-UUID") == app_uuid;
  };
  auto private_command = subscriber_.wait_for(is_private);
  ASSERT_TRUE(execute && complete && private_command);
  EXPECT_EQ(execute->get("Application"), "set");
  EXPECT_EQ(execute->get("Application-Data"), "foo=bar");
  EXPECT_EQ(complete->get("Application"), "set");
  EXPECT_EQ(complete->get("Application-Data"), "foo=bar");
  EXPECT_LT(subscriber_.index_of(with_app_uuid("CHANNEL_EXECUTE")),
            subscriber_.index_of(with_app_uuid("CHANNEL_EXECUTE_COMPLETE")));
  EXPECT_LT(subscriber_.index_of(with_app_uuid("CHANNEL_EXECUTE_COMPLETE")),
            subscriber_.index_of(is_private));
  // PRIVATE_COMMAND starts with the packet's own headers. Command is the whole raw block when
  // read, but sendmsg cuts it in place at the end of the uuid (strip_cr on the header's own
  // buffer in mod_event_socket.c parse_command), as sendevent does with its name.
  EXPECT_EQ(private_command->get("Command"), "sendmsg " + uuid);
  EXPECT_EQ(private_command->get("call-command"), "execute");
  EXPECT_EQ(private_command->get("execute-app-name"), "set");
  EXPECT_EQ(private_command->get("execute-app-arg"), "foo=bar");
  EXPECT_EQ(private_command->get("Channel-Name"), "null/1010");
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " foo"), "bar");

  // The argument in a text/plain body.
  const std::string body = "foo=from the body";
  const std::string body_app_uuid = "c0ffee00-1111-4222-8333-777788889999";
  sendmsg("sendmsg " + uuid +
              "\ncall-command: execute\nexecute-app-name: set\nEvent-UUID: " + body_app_uuid +
              "\ncontent-type: text/plain\nContent-Length: " + std::to_string(body.size()) +
              "\n\n" + body,
          "+OK");
  auto body_complete = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE_COMPLETE" && e.get("Application-UUID") == body_app_uuid;
  });
  ASSERT_TRUE(body_complete);
  EXPECT_EQ(body_complete->get("Application-Data"), body);
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " foo"), "from the body");

  // hangup with a cause.
  sendmsg("sendmsg " + uuid + "\ncall-command: hangup\nhangup-cause: USER_BUSY\n\n", "+OK");
  auto hangup = subscriber_.wait_for("CHANNEL_HANGUP", uuid);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(hangup->get("Hangup-Cause"), "USER_BUSY");
  auto hangup_complete = subscriber_.wait_for("CHANNEL_HANGUP_COMPLETE", uuid);
  ASSERT_TRUE(hangup_complete);
  EXPECT_EQ(hangup_complete->get("Hangup-Cause"), "USER_BUSY");
  ASSERT_TRUE(subscriber_.wait_destroyed(uuid));

  // No such session (any more).
  sendmsg("sendmsg " + uuid + "\ncall-command: hangup\n\n",
          "-ERR invalid session id [" + uuid + "]");
  const std::string unknown = "00000000-0000-4000-8000-000000000000";
  sendmsg("sendmsg " + unknown + "\ncall-command: execute\nexecute-app-name: set\n\n",
          "-ERR invalid session id [" + unknown + "]");
}

TEST_F(CallsTest, MyeventsDeliversOnlyThatChannelAndSendeventReachesTheChannel) {
  std::string mine = originate_parked("null/1011");
  std::string other = originate_parked("null/1012");
  ASSERT_FALSE(mine.empty());
  ASSERT_FALSE(other.empty());
  TestClient watcher;
  ASSERT_TRUE(connect_and_auth(watcher, port()));
  expect_reply(watcher, "myevents " + mine + "\n\n", reply_frame("+OK Events Enabled"));

  // sendevent with Unique-ID of a live channel: queued to it, fired by its park loop with
  // its channel data; the reply is +OK <Event-UUID> as for a broadcast.
  std::string event_uuid =
      send_event(control_, "CUSTOM",
                 "Event-Subclass: es::calls\nUnique-ID: " + mine + "\nX-Marker: to-the-channel\n");
  ASSERT_FALSE(event_uuid.empty());
  auto fired = subscriber_.wait_for(
      [](const SeenEvent& e) { return e.get("X-Marker") == "to-the-channel"; });
  ASSERT_TRUE(fired);
  // FreeSWITCH queues the received packet as is and the park loop fires it after adding channel
  // data only: no standard headers, so no Event-Name (mod_event_socket.c sendevent, which preps
  // only the broadcast case).
  EXPECT_FALSE(fired->has("Event-Name"));
  EXPECT_FALSE(fired->has("Core-UUID"));
  EXPECT_EQ(fired->get("Command"), "sendevent CUSTOM");
  EXPECT_EQ(fired->get("Event-Subclass"), "es::calls");
  EXPECT_EQ(fired->get("Event-UUID"), event_uuid);
  EXPECT_EQ(fired->get("Unique-ID"), mine);
  EXPECT_EQ(fired->get("Channel-Name"), "null/1011");
  EXPECT_EQ(fired->get("Channel-State"), "CS_EXECUTE");
  EXPECT_EQ(fired->get("Answer-State"), "answered");
  EXPECT_EQ(fired->get("variable_uuid"), mine);

  kill_and_wait(other);
  kill_and_wait(mine);
  // The watcher controls `mine`: its hangup ends the connection (docs/outbound.md). Until then
  // it got only that channel's events from the myevents list (no CUSTOM, no CALLSTATE).
  std::vector<std::string> seen;
  while (auto frame = watcher.read_frame()) {
    if (!is_event(*frame)) continue;
    auto event = parse_plain_event(frame->message.body);
    const std::string* id = event.header("Unique-ID");
    EXPECT_TRUE(id && *id == mine) << plain_header(*frame, "Event-Name");
    seen.push_back(plain_header(*frame, "Event-Name"));
  }
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), "CHANNEL_HANGUP");
  for (const auto& name : seen) {
    EXPECT_NE(name, "CUSTOM");
    EXPECT_NE(name, "CHANNEL_CALLSTATE");
  }
  EXPECT_FALSE(watcher.connected() && watcher.send("api status\n\n") &&
               watcher.read_frame(std::chrono::milliseconds(500)))
      << "the connection should have ended with the channel";
}

// Issue 3: DTMF sent to the A leg of loopback/5000 crosses to B, whose dialplan collects it
// with play_and_get_digits into ivr_digits.
TEST_F(CallsTest, IvrCollectsDigitsSentThroughTheLoopback) {
  std::string a = ok_uuid(api(control_, "originate loopback/5000 &park()"));
  ASSERT_FALSE(a.empty());
  std::string b = api(control_, "uuid_getvar " + a + " other_loopback_leg_uuid");
  ASSERT_TRUE(looks_like_uuid(b)) << b;
  // B's prompt is playing.
  ASSERT_TRUE(subscriber_.wait_for("PLAYBACK_START", b));
  EXPECT_EQ(api(control_, "uuid_send_dtmf " + a + " 42#"), "+OK " + a + " sent DTMF 42#.\n");
  auto collected = subscriber_.wait_for(
      [&](const SeenEvent& e) {
        return e.name() == "CHANNEL_EXECUTE_COMPLETE" && e.get("Unique-ID") == b &&
               e.get("Application") == "play_and_get_digits";
      },
      std::chrono::seconds(10));
  ASSERT_TRUE(collected);
  EXPECT_EQ(api(control_, "uuid_getvar " + b + " ivr_digits"), "42");
  std::string digits;
  for (const auto& e : subscriber_.for_channel(b)) {
    if (e.name() == "DTMF") digits += e.get("DTMF-Digit");
  }
  EXPECT_EQ(digits, "42#");
  ASSERT_TRUE(subscriber_.wait_for("CHANNEL_PARK", b));
  kill_and_wait(a);
  EXPECT_TRUE(subscriber_.wait_destroyed(b));
}

// With --simulated-time a call's timeline moves only with `sim_clock advance`.
class SimulatedCallsTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon({"--simulated-time"}); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(control_, port()));
    ASSERT_TRUE(subscriber_.start(port()));
  }
  TestClient control_;
  Subscriber subscriber_;
};

TEST_F(SimulatedCallsTest, SimLegAnswersAndHangsUpOnTheSwitchClock) {
  auto wall_start = std::chrono::steady_clock::now();
  std::string job =
      bgapi(control_, "originate {sim_answer_ms=2000,sim_hangup_ms=58000}sim/1 &park()");
  ASSERT_FALSE(job.empty());
  // The leg waits for the clock; a job that ends before that failed.
  auto first = subscriber_.wait_for([&](const SeenEvent& e) {
    return (e.name() == "CHANNEL_CREATE" && e.get("Channel-Name") == "sim/1") ||
           (e.name() == "BACKGROUND_JOB" && e.get("Job-UUID") == job);
  });
  ASSERT_TRUE(first);
  ASSERT_EQ(first->name(), "CHANNEL_CREATE") << "originate ended early: " << first->plain.body;
  auto create = first;
  std::string uuid = create->get("Unique-ID");

  std::string advanced = api(control_, "sim_clock advance 2000");
  EXPECT_EQ(advanced, "+OK " + std::to_string(create->timestamp_us() + 2000000) + "\n");
  auto done = subscriber_.wait_for(
      [&](const SeenEvent& e) { return e.name() == "BACKGROUND_JOB" && e.get("Job-UUID") == job; });
  ASSERT_TRUE(done);
  EXPECT_EQ(done->plain.body, "+OK " + uuid + "\n");
  auto answer = subscriber_.wait_for("CHANNEL_ANSWER", uuid);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->timestamp_us() - create->timestamp_us(), 2000000);
  ASSERT_TRUE(subscriber_.wait_for("CHANNEL_PARK", uuid));

  EXPECT_EQ(api(control_, "sim_clock advance 58000"),
            "+OK " + std::to_string(create->timestamp_us() + 60000000) + "\n");
  auto hangup = subscriber_.wait_for("CHANNEL_HANGUP", uuid);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(hangup->timestamp_us() - create->timestamp_us(), 60000000);
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
  // A minute of call time in (much) less than the wall time it represents; the bound is loose
  // so a loaded machine cannot fail it.
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(10));
}

// bgapi and api originate hold no thread while the call rings (the daemon has 8 workers for
// blocking commands): 20 calls that never answer all ring at once, and hupall ends every job.
TEST_F(CallsTest, TwentyRingingOriginatesDoNotWaitForEachOther) {
  constexpr int kCalls = 20;
  std::vector<std::string> jobs;
  for (int i = 0; i < kCalls; ++i) {
    jobs.push_back(bgapi(control_, "originate {sim_answer_ms=-1,originate_timeout=60}sim/" +
                                       std::to_string(i) + " &park()"));
    ASSERT_FALSE(jobs.back().empty());
  }
  // An api originate on another connection is not queued behind them either.
  TestClient other;
  ASSERT_TRUE(connect_and_auth(other, port()));
  std::string answered = ok_uuid(api(other, "originate null/1 &park()"));
  ASSERT_FALSE(answered.empty());
  // Each logged event is offered to the matcher once, so it can count them.
  int created = 0;
  subscriber_.wait_for(
      [&](const SeenEvent& e) {
        if (e.name() == "CHANNEL_CREATE" && e.get("Caller-Source") == "mod_sim") ++created;
        return created == kCalls;
      },
      std::chrono::seconds(10));
  EXPECT_EQ(created, kCalls);
  EXPECT_EQ(api(control_, "hupall"), "+OK hangup all channels with cause MANAGER_REQUEST\n");
  for (const auto& job : jobs) {
    auto done = subscriber_.wait_for([&](const SeenEvent& e) {
      return e.name() == "BACKGROUND_JOB" && e.get("Job-UUID") == job;
    });
    ASSERT_TRUE(done) << job;
    EXPECT_TRUE(done->plain.body.starts_with("-ERR ")) << done->plain.body;
  }
}

}  // namespace
}  // namespace es::itest
