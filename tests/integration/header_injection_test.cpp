// Header names from peers (issue 9 point 7): a name that could split or spoof header lines is
// refused where it enters (sendevent, uuid_setvar, a channel variable set from a sendmsg
// body), so a plain subscriber's events keep their lines.
#include "call_events.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

class HeaderInjectionTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(control_, port()));
    ASSERT_TRUE(subscriber_.start(port()));
  }

  TestClient control_;     // api, sendmsg, sendevent; subscribed to nothing
  Subscriber subscriber_;  // event plain ALL
};

TEST_F(HeaderInjectionTest, VariableNamesCannotAddHeaderLinesToChannelEvents) {
  std::string uuid = ok_uuid(api(control_, "originate null/1020 &park()"));
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(subscriber_.wait_for("CHANNEL_PARK", uuid));

  // set with its argument in a body: the variable's name holds a line feed and a header line.
  const std::string body = "x\nX-Injected: yes=1";
  expect_reply(control_,
               "sendmsg " + uuid +
                   "\ncall-command: execute\nexecute-app-name: set\ncontent-type: "
                   "text/plain\nContent-Length: " +
                   std::to_string(body.size()) + "\n\n" + body,
               reply_frame("+OK"));
  auto set_done = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE_COMPLETE" && e.get("Unique-ID") == uuid &&
           e.get("Application") == "set";
  });
  ASSERT_TRUE(set_done);

  // uuid_setvar and uuid_setvar_multi refuse such names and set nothing.
  EXPECT_EQ(api(control_, "uuid_setvar " + uuid + " a:b 1"), "-ERR invalid variable name\n");
  EXPECT_EQ(api(control_, "uuid_setvar " + uuid + " <x> 1"), "-ERR invalid variable name\n");
  EXPECT_EQ(api(control_, "uuid_setvar_multi " + uuid + " good=1;bad&=2"),
            "-ERR invalid variable name\n");
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " good"), "_undef_");
  EXPECT_EQ(api(control_, "uuid_setvar " + uuid + " fine 2"), "+OK\n");

  // CHANNEL_HANGUP carries every variable as a header.
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  auto hangup = subscriber_.wait_for("CHANNEL_HANGUP", uuid);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(hangup->get("variable_fine"), "2");
  EXPECT_FALSE(hangup->has("X-Injected"));
  EXPECT_FALSE(hangup->has("variable_a"));
  EXPECT_EQ(hangup->count("Event-Name"), 1);
  for (const auto& event : subscriber_.for_channel(uuid)) {
    EXPECT_FALSE(event.has("X-Injected")) << event.name();
  }
  ASSERT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(HeaderInjectionTest, SendeventRefusesHeaderNamesThatBreakAFormat) {
  ASSERT_TRUE(control_.send("sendevent CUSTOM\nEvent-Subclass: es::inject\nX<b>: 1\n\n"));
  auto reply = control_.read_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->raw, reply_frame("-ERR invalid header name"));
  // Nothing was fired: the first es::inject event the subscriber sees is the next one.
  std::string uuid = send_event(control_, "CUSTOM", "Event-Subclass: es::inject\nX-Ok: 1\n");
  ASSERT_FALSE(uuid.empty());
  auto first = subscriber_.wait_for(
      [](const SeenEvent& e) { return e.get("Event-Subclass") == "es::inject"; });
  ASSERT_TRUE(first);
  EXPECT_EQ(first->get("Event-UUID"), uuid);
}

}  // namespace
}  // namespace es::itest
