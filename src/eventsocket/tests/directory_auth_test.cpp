#include "eventsocket/directory_auth.hpp"

#include <gtest/gtest.h>

#include "eventsocket/tests/conf_tree.hpp"

namespace es::eventsocket {
namespace {

TEST(ParseUserauth, BothFormsAndTheirMixture) {
  auto a = parse_userauth("1000@example.org:pw");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->user, "1000");
  EXPECT_EQ(a->domain, "example.org");
  EXPECT_EQ(a->password, "pw");

  auto b = parse_userauth("1000:pw@example.org");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->user, "1000");
  EXPECT_EQ(b->domain, "example.org");
  EXPECT_EQ(b->password, "pw");

  auto both = parse_userauth("1000:user-side@example.org:domain-side");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->domain, "example.org");
  EXPECT_EQ(both->password, "user-side");

  auto colons = parse_userauth("1000@example.org:p:w @x");
  ASSERT_TRUE(colons);
  EXPECT_EQ(colons->domain, "example.org");
  EXPECT_EQ(colons->password, "p:w @x");

  auto second_at = parse_userauth("1000:p@w@example.org");
  ASSERT_TRUE(second_at);
  EXPECT_EQ(second_at->domain, "w@example.org");
  EXPECT_EQ(second_at->password, "p");

  auto no_password = parse_userauth("1000@example.org");
  ASSERT_TRUE(no_password);
  EXPECT_FALSE(no_password->password);

  auto cut = parse_userauth("1000@example.org:pw\r\nextra");
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->password, "pw");
}

TEST(ParseUserauth, EmptyUserOrDomainIsInvalid) {
  EXPECT_FALSE(parse_userauth(""));
  EXPECT_FALSE(parse_userauth("@example.org:pw"));
  EXPECT_FALSE(parse_userauth(":pw@example.org"));
  EXPECT_FALSE(parse_userauth("1000@:pw"));
  EXPECT_FALSE(parse_userauth("1000@"));
  EXPECT_FALSE(parse_userauth("1000:pw"));
  EXPECT_FALSE(parse_userauth("1000"));
}

TEST(SplitAllowedList, CommaOrSpaceWhenThereIsOne) {
  EXPECT_EQ(split_allowed_list("HEARTBEAT,CUSTOM,sofia::register"),
            (std::vector<std::string>{"HEARTBEAT", "CUSTOM", "sofia::register"}));
  EXPECT_EQ(split_allowed_list("status version,uptime"),
            (std::vector<std::string>{"status", "version,uptime"}));
  EXPECT_EQ(split_allowed_list("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_allowed_list("ALL"), (std::vector<std::string>{"ALL"}));
}

class DirectoryAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.write(
        "vars.xml",
        "<include>\n<X-PRE-PROCESS cmd=\"set\" data=\"domain=example.org\"/>\n</include>\n");
    tree_.write(
        "directory/default.xml",
        "<include>\n"
        "  <domain name=\"$${domain}\">\n"
        "    <params>\n"
        "      <param name=\"esl-allowed-events\" value=\"HEARTBEAT CUSTOM sofia::register\"/>\n"
        "    </params>\n"
        "    <groups>\n"
        "      <group name=\"default\">\n"
        "        <params><param name=\"esl-allowed-log\" value=\"false\"/></params>\n"
        "        <users>\n"
        "          <X-PRE-PROCESS cmd=\"include\" data=\"default/*.xml\"/>\n"
        "        </users>\n"
        "      </group>\n"
        "    </groups>\n"
        "  </domain>\n"
        "  <domain name=\"open.org\">\n"
        "    <users><user id=\"admin\"><params>"
        "<param name=\"ESL-Password\" value=\"Adm1n\"/></params></user></users>\n"
        "  </domain>\n"
        "</include>\n");
    tree_.write("directory/default/1000.xml",
                "<include>\n"
                "  <user id=\"1000\">\n"
                "    <params>\n"
                "      <param name=\"esl-password\" value=\"secret\"/>\n"
                "      <param name=\"esl-allowed-api\" value=\"status,version\"/>\n"
                "      <param name=\"esl-allowed-log\" value=\"true\"/>\n"
                "    </params>\n"
                "  </user>\n"
                "</include>\n");
    tree_.write("directory/default/1001.xml",
                "<include>\n  <user id=\"1001\"><params><param name=\"esl-password\" value=\"\"/>"
                "</params></user>\n</include>\n");
    tree_.write("directory/default/1002.xml",
                "<include>\n  <user id=\"1002\"><params><param name=\"esl-password\" value=\"x\"/>"
                "<param name=\"esl-allowed-events\" value=\"\"/></params></user>\n</include>\n");
    core::XmlLoadResult loaded = core::XmlConfig::load_directory(tree_.dir(), globals_);
    ASSERT_TRUE(loaded) << loaded.error;
    config_ = loaded.config;
  }

  UserauthResult auth(std::string_view text) { return authenticate_directory_user(*config_, text); }

  testing::ConfTree tree_;
  core::GlobalVars globals_;
  std::shared_ptr<const core::XmlConfig> config_;
};

TEST_F(DirectoryAuth, AcceptsAndReportsTheMergedRestrictions) {
  for (const char* text :
       {"1000@example.org:secret", "1000:secret@example.org", "1000@EXAMPLE.ORG:secret\n"}) {
    UserauthResult result = auth(text);
    ASSERT_TRUE(result.accepted) << text;
    EXPECT_EQ(result.allowed_events, "HEARTBEAT CUSTOM sofia::register");
    EXPECT_EQ(result.allowed_event_names,
              (std::vector<std::string>{"HEARTBEAT", "CUSTOM", "sofia::register"}));
    EXPECT_EQ(result.allowed_api, "status,version");
    EXPECT_EQ(result.allowed_api_names, (std::vector<std::string>{"status", "version"}));
    EXPECT_TRUE(result.allowed_log);  // the user's true overrides the group's false
  }
  EXPECT_EQ(auth("1000@example.org:secret").user, "1000@example.org");
}

TEST_F(DirectoryAuth, AbsentListsMeanAll) {
  UserauthResult result = auth("admin@open.org:Adm1n");
  ASSERT_TRUE(result.accepted);
  EXPECT_FALSE(result.allowed_events);
  EXPECT_FALSE(result.allowed_api);
  EXPECT_TRUE(result.allowed_event_names.empty());
  EXPECT_TRUE(result.allowed_log);
}

TEST_F(DirectoryAuth, EmptyListValueIsKeptAsGiven) {
  UserauthResult result = auth("1002@example.org:x");
  ASSERT_TRUE(result.accepted);
  EXPECT_EQ(result.allowed_events, "");
  EXPECT_EQ(result.allowed_event_names, std::vector<std::string>{""});
  EXPECT_FALSE(result.allowed_log);  // from the group
}

TEST_F(DirectoryAuth, Failures) {
  EXPECT_FALSE(auth("1000@example.org:Secret").accepted);  // case-sensitive
  EXPECT_FALSE(auth("1000@example.org:secret ").accepted);
  EXPECT_FALSE(auth("1000@example.org").accepted);   // no password
  EXPECT_FALSE(auth("1000@example.org:").accepted);  // empty password
  EXPECT_FALSE(auth("1001@example.org:").accepted);  // empty esl-password
  EXPECT_FALSE(auth("1001@example.org:x").accepted);
  EXPECT_FALSE(auth("9999@example.org:secret").accepted);  // no such user
  EXPECT_FALSE(auth("1000@other.org:secret").accepted);    // no such domain
  EXPECT_FALSE(auth("1000:secret").accepted);              // no domain
  EXPECT_FALSE(auth("@example.org:secret").accepted);
  UserauthResult failed = auth("1000@example.org:wrong");
  EXPECT_FALSE(failed.allowed_events);
  EXPECT_FALSE(failed.allowed_api);
}

}  // namespace
}  // namespace es::eventsocket
