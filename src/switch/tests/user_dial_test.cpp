// user/<id>[@<domain>]: the directory user's dial-string, expanded with dialed_user and
// dialed_domain, is what gets dialled; FreeSWITCH's causes when it cannot be.
#include <gtest/gtest.h>

#include "core/xml_config.hpp"
#include "switch/switch_core.hpp"
#include "switch/tests/media_test_signal.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

// The domain's dial-string is the vanilla one with null/ in place of sofia_contact; user 1001
// has its own; 1002 none; 1003 dials itself; 1004 dials 1000 through user/ again; 1005 what
// sofia_contact gives for a user not registered.
constexpr const char* kDirectory = R"(<document type="freeswitch/xml">
  <section name="directory">
    <domain name="example.com">
      <params>
        <param name="dial-string" value="{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}null/${dialed_user}"/>
      </params>
      <groups><group name="default"><users>
        <user id="1000">
          <params><param name="dial-var-team" value="blue"/></params>
          <variables><variable name="user_context" value="office"/></variables>
        </user>
        <user id="1001">
          <params><param name="dial-string" value="null/one,null/two"/></params>
        </user>
        <user id="1003">
          <params><param name="dial-string" value="USER/1003@example.com"/></params>
        </user>
        <user id="1005">
          <params><param name="dial-string" value="error/user_not_registered"/></params>
        </user>
        <user id="1004">
          <params><param name="dial-string" value="[from_user=1004]user/1000@${dialed_domain}"/></params>
        </user>
      </users></group></groups>
    </domain>
    <domain name="bare.test">
      <users><user id="1002"/></users>
    </domain>
  </section>
</document>)";

class UserDialTest : public SwitchFixture {
 protected:
  UserDialTest() {
    auto loaded = core::XmlConfig::load_text(kDirectory, ".", runtime_->globals());
    EXPECT_TRUE(loaded) << loaded.error;
    std::shared_ptr<const core::XmlConfig> config = loaded.config;
    switch_->xml = [config] { return config; };
  }

  std::string var(const std::string& uuid, const std::string& name) {
    return api("uuid_getvar", uuid + " " + name);
  }
};

TEST_F(UserDialTest, DialsTheExpandedDialString) {
  std::string uuid = uuid_of(api("originate", "user/1000@example.com &park()"));
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(var(uuid, "originate_endpoint"), "null");
  EXPECT_EQ(var(uuid, "dialed_user"), "1000");
  EXPECT_EQ(var(uuid, "dialed_domain"), "example.com");
  EXPECT_EQ(var(uuid, "sip_invite_domain"), "example.com");
  EXPECT_EQ(var(uuid, "presence_id"), "1000@example.com");
  EXPECT_EQ(var(uuid, "team"), "blue");
  EXPECT_EQ(var(uuid, "user_context"), "office");
  api("uuid_kill", uuid);
}

TEST_F(UserDialTest, TheDomainDefaultsToTheDomainGlobal) {
  runtime_->globals().set("domain", "example.com");
  std::string uuid = uuid_of(api("originate", "user/1000 &park()"));
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(var(uuid, "dialed_domain"), "example.com");
  api("uuid_kill", uuid);
}

TEST_F(UserDialTest, ADialStringWithoutPresenceIdGetsOne) {
  std::string uuid = uuid_of(api("originate", "user/1001@example.com &park()"));
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(var(uuid, "presence_id"), "1001@example.com");
  EXPECT_EQ(var(uuid, "originate_endpoint"), "null");
  api("uuid_kill", uuid);
}

TEST_F(UserDialTest, AUserDialStringMayNameAnotherUser) {
  std::string uuid = uuid_of(api("originate", "user/1004@example.com &park()"));
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(var(uuid, "dialed_user"), "1000");
  EXPECT_EQ(var(uuid, "from_user"), "1004");
  EXPECT_EQ(var(uuid, "originate_endpoint"), "null");
  api("uuid_kill", uuid);
}

TEST_F(UserDialTest, FailuresHaveFreeSwitchCauses) {
  EXPECT_EQ(api("originate", "user/9999@example.com &park()"), "-ERR SUBSCRIBER_ABSENT\n");
  EXPECT_EQ(api("originate", "user/1000@nowhere.test &park()"), "-ERR SUBSCRIBER_ABSENT\n");
  EXPECT_EQ(api("originate", "user/1002@bare.test &park()"), "-ERR MANDATORY_IE_MISSING\n");
  EXPECT_EQ(api("originate", "user/1003@example.com &park()"), "-ERR INVALID_IE_CONTENTS\n");
  // What sofia_contact gives for a user that is not registered.
  EXPECT_EQ(api("originate", "user/1005@example.com &park()"), "-ERR USER_NOT_REGISTERED\n");
}

TEST_F(UserDialTest, ABridgeExpandsOnTheCallersChannel) {
  std::string a = uuid_of(api("originate", "null/caller &bridge(user/1000@example.com)"));
  ASSERT_FALSE(a.empty());
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", a));
  std::string b;
  for (const auto& e : recorder_->for_channel(a)) {
    if (header(e, "Event-Name") == "CHANNEL_BRIDGE") b = header(e, "Bridge-B-Unique-ID");
  }
  ASSERT_FALSE(b.empty());
  // FreeSWITCH leaves dialed_user / dialed_domain on the caller too.
  EXPECT_EQ(var(a, "dialed_user"), "1000");
  EXPECT_EQ(var(a, "dialed_domain"), "example.com");
  EXPECT_EQ(var(b, "sip_invite_domain"), "example.com");
  EXPECT_EQ(var(b, "originate_endpoint"), "null");
  api("uuid_kill", a);
}

}  // namespace
}  // namespace es::sw::testing
