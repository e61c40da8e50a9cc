// execute_on_* / api_on_* / api_reporting_hook (docs/channel-hooks.md): the variables run
// at their moment of the call, every variable with the moment's prefix.
#include <gtest/gtest.h>

#include "core/uuid.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

class ExecuteOnTest : public SwitchFixture {
 protected:
  std::string originate_parked(const std::string& vars, const std::string& endpoint = "null/1000") {
    const std::string uuid = core::make_uuid();
    EXPECT_EQ(
        api("originate", "{origination_uuid=" + uuid + "," + vars + "}" + endpoint + " &park()"),
        "+OK " + uuid + "\n");
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
    return uuid;
  }
  std::string global(const std::string& name) { return api("global_getvar", name); }
};

TEST_F(ExecuteOnTest, ExecuteOnAnswerRunsEveryPrefixedVariable) {
  std::string uuid = originate_parked(
      "execute_on_answer='set eo_foo=bar',execute_on_answer_2=set:eo_two=2,"
      "execute_on_answer_x=export::eo_three=3,execute_on_media=set:eo_media=yes");
  auto s = switch_->locate(uuid);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->variable("eo_foo").value_or(""), "bar");
  EXPECT_EQ(s->variable("eo_two").value_or(""), "2");
  // "::" queues the application: it runs on the call's thread, here inside park.
  EXPECT_TRUE(eventually([&] { return s->variable("eo_three").value_or("") == "3"; }));
  // Answered without early media first: execute_on_media runs at answer.
  EXPECT_EQ(s->variable("eo_media").value_or(""), "yes");
  api("uuid_kill", uuid);
}

TEST_F(ExecuteOnTest, ApiOnRunsApiCommandsAtOriginatePreAnswerAndAnswer) {
  // The A leg of a loopback pair has early media first (its B leg pre-answers), then is
  // answered when the B leg answers.
  std::string uuid = core::make_uuid();
  ASSERT_EQ(api("originate", "{origination_uuid=" + uuid +
                                 ",api_on_originate='global_setvar eo_originated=yes',"
                                 "api_on_pre_answer='global_setvar eo_pre=yes',"
                                 "api_on_media='global_setvar eo_media=yes'}"
                                 "loopback/m:^:pre_answer^park/default/inline &park()"),
            "+OK " + uuid + "\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  EXPECT_EQ(global("eo_originated"), "yes");
  EXPECT_EQ(global("eo_pre"), "yes");
  EXPECT_EQ(global("eo_media"), "yes");
  // Set after creation so that the ${} is expanded when the API runs, against the call.
  EXPECT_EQ(api("uuid_setvar", uuid + " api_on_answer global_setvar eo_answered=${uuid}"), "+OK\n");
  EXPECT_EQ(api("uuid_setvar", uuid + " api_on_answer_2 global_setvar eo_answered_2=yes"), "+OK\n");
  EXPECT_EQ(api("uuid_setvar", uuid + " api_on_media global_setvar eo_media=again"), "+OK\n");
  std::string b_uuid = switch_->locate(uuid)->variable("other_loopback_leg_uuid").value_or("");
  ASSERT_FALSE(b_uuid.empty());
  EXPECT_EQ(api("uuid_answer", b_uuid), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_ANSWER", uuid));
  EXPECT_TRUE(eventually([&] { return global("eo_answered") == uuid; }));
  EXPECT_EQ(global("eo_answered_2"), "yes");
  // Early media came first: the answer does not run api_on_media again.
  EXPECT_EQ(global("eo_media"), "yes");
  api("uuid_kill", uuid);
}

TEST_F(ExecuteOnTest, ApiReportingHookRunsAfterHangup) {
  std::string uuid = originate_parked("eo_dummy=1");
  EXPECT_EQ(
      api("uuid_setvar", uuid + " api_reporting_hook global_setvar eo_reported=${hangup_cause}"),
      "+OK\n");
  EXPECT_EQ(api("uuid_kill", uuid), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", uuid));
  EXPECT_EQ(global("eo_reported"), "NORMAL_CLEARING");
}

}  // namespace
}  // namespace es::sw::testing
