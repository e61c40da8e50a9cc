// Who may connect and for how long, as configured in a --conf directory: apply-inbound-acl
// with acl.conf lists, CIDRs and unknown names (docs/wire-protocol.md §3.1, §9.2), and
// eventswitch's auth-timeout / body-timeout parameters.
#include <unistd.h>

#include "conf_dir.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

constexpr std::string_view kAclConf =
    "<configuration name=\"acl.conf\" description=\"Network Lists\">\n"
    "  <network-lists>\n"
    "    <list name=\"not_first_loopback\" default=\"allow\">\n"
    "      <node type=\"deny\" cidr=\"127.0.0.1/32\"/>\n"
    "    </list>\n"
    "    <list name=\"loopback_only\" default=\"deny\">\n"
    "      <node type=\"allow\" cidr=\"127.0.0.0/8\"/>\n"
    "    </list>\n"
    "  </network-lists>\n"
    "</configuration>\n";

// A daemon whose event_socket.conf applies `acls` (one apply-inbound-acl param each).
std::unique_ptr<DaemonProcess> start_with_acls(const ConfDir& conf,
                                               const std::vector<std::string_view>& acls) {
  std::string params = param("password", "ClueCon");
  for (auto acl : acls) params += param("apply-inbound-acl", acl);
  conf.write("autoload_configs/event_socket.conf.xml", event_socket_conf(params));
  conf.write("autoload_configs/acl.conf.xml", kAclConf);
  return std::make_unique<DaemonProcess>(conf_args(conf));
}

void expect_rejected(unsigned short port) {
  TestClient client;
  ASSERT_TRUE(client.connect(port));
  EXPECT_EQ(client.read_raw_bytes(kRudeRejectionBytes.size()), kRudeRejectionBytes);
  std::string extra;
  EXPECT_TRUE(client.expect_closed(kReadTimeout, &extra)) << "extra bytes: " << extra;
}

void expect_admitted(unsigned short port) {
  TestClient client;
  EXPECT_TRUE(connect_and_auth(client, port));
}

TEST(ConfDirAcl, ListDenyingTheClientGetsRudeRejection) {
  ConfDir conf;
  auto daemon = start_with_acls(conf, {"not_first_loopback"});
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  expect_rejected(daemon->port());
}

TEST(ConfDirAcl, ListAllowingTheClientAdmits) {
  ConfDir conf;
  auto daemon = start_with_acls(conf, {"loopback_only"});
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  expect_admitted(daemon->port());
}

TEST(ConfDirAcl, CidrEntryAllows) {
  ConfDir conf;
  auto daemon = start_with_acls(conf, {"127.0.0.0/8"});
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  expect_admitted(daemon->port());
}

TEST(ConfDirAcl, CidrEntryNotContainingTheClientDenies) {
  ConfDir conf;
  auto daemon = start_with_acls(conf, {"10.0.0.0/8,192.168.0.0/16"});
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  expect_rejected(daemon->port());
}

TEST(ConfDirAcl, UnknownListNameDenies) {
  ConfDir conf;
  auto daemon = start_with_acls(conf, {"no_such_list"});
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  expect_rejected(daemon->port());
  // Logged as FreeSWITCH logs it, naming the first entry that refused.
  EXPECT_TRUE(daemon->wait_for_stderr("[WARNING] ", std::chrono::seconds(2)));
  EXPECT_NE(daemon->stderr_text().find("IP 127.0.0.1 Rejected by acl \"no_such_list\"\n"),
            std::string::npos)
      << daemon->stderr_text();
}

// Every configured ACL must allow: one denying entry is enough to reject.
TEST(ConfDirAcl, AllEntriesMustAllow) {
  ConfDir conf;
  auto daemon = start_with_acls(conf, {"127.0.0.0/8", "loopback.auto", "no_such_list"});
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  expect_rejected(daemon->port());
}

// Many rejected peers in a row cost nothing lasting: a peer the list allows (another loopback
// source address) is still served, and so is the denied address' next attempt, the same way.
TEST(ConfDirAcl, KeepsServingAfterManyDenials) {
  ConfDir conf;
  auto daemon = start_with_acls(conf, {"not_first_loopback"});
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  int probe = connect_from("127.0.0.2", daemon->port());
  if (probe < 0) GTEST_SKIP() << "cannot connect from 127.0.0.2 on this machine";
  close(probe);

  for (int i = 0; i < 200; ++i) {
    TestClient client;
    ASSERT_TRUE(client.connect(daemon->port())) << "attempt " << i;
    ASSERT_EQ(client.read_raw_bytes(kRudeRejectionBytes.size()), kRudeRejectionBytes)
        << "attempt " << i;
  }
  // Some denied peers hang up without reading anything at all.
  for (int i = 0; i < 50; ++i) {
    TestClient client;
    ASSERT_TRUE(client.connect(daemon->port()));
  }

  int fd = connect_from("127.0.0.2", daemon->port());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(read_exactly(fd, kAuthRequestFrame.size(), kReadTimeout), kAuthRequestFrame);
  ASSERT_TRUE(send_all(fd, "auth ClueCon\n\n"));
  const std::string accepted = reply_frame("+OK accepted");
  EXPECT_EQ(read_exactly(fd, accepted.size(), kReadTimeout), accepted);
  ASSERT_TRUE(send_all(fd, "api uuid_exists 1\n\n"));
  const std::string answer = api_frame("false");
  EXPECT_EQ(read_exactly(fd, answer.size(), kReadTimeout), answer);
  close(fd);
  expect_rejected(daemon->port());
  EXPECT_FALSE(daemon->exit_code().has_value());
}

class ConfDirTimeoutTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    conf_->write("autoload_configs/event_socket.conf.xml",
                 event_socket_conf(param("auth-timeout", "1") + param("body-timeout", "1")));
    daemon_ = std::make_unique<DaemonProcess>(conf_args(*conf_));
  }
  static void TearDownTestSuite() {
    DaemonSuite::TearDownTestSuite();
    conf_.reset();
  }

 protected:
  // The goodbye notice, then the close, about one second after `since` (well before the
  // 25 s default; the bounds leave room for a loaded machine).
  void expect_goodbye_after_about_a_second(TestClient& client,
                                           std::chrono::steady_clock::time_point since) {
    auto notice = client.read_frame(6s);
    auto elapsed = std::chrono::steady_clock::now() - since;
    ASSERT_TRUE(notice) << "not closed within 6 s";
    EXPECT_EQ(notice->raw, disconnect_frame(kGoodbyeBody));
    EXPECT_GE(elapsed, 800ms);
    EXPECT_LT(elapsed, 6s);
    EXPECT_TRUE(client.expect_closed());
  }

  static inline std::unique_ptr<ConfDir> conf_;
};

TEST_F(ConfDirTimeoutTest, SilentUnauthenticatedPeerIsClosed) {
  TestClient client;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(read_greeting(client));
  expect_goodbye_after_about_a_second(client, start);
}

// FreeSWITCH stops timing once the first packet arrives (a quirk); eventswitch keeps the
// deadline until authentication succeeds.
TEST_F(ConfDirTimeoutTest, BogusFirstCommandDoesNotEscapeTheTimeout) {
  TestClient client;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(read_greeting(client));
  expect_reply(client, "hello\n\n", reply_frame("-ERR command not found"));
  expect_reply(client, "event plain ALL\n\n", reply_frame("-ERR command not found"));
  expect_goodbye_after_about_a_second(client, start);
}

TEST_F(ConfDirTimeoutTest, AuthenticatedPeerIsNotTimedOut) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  EXPECT_TRUE(client.expect_silence(1500ms));
  expect_reply(client, "api uuid_exists 1\n\n", api_frame("false"));
}

TEST_F(ConfDirTimeoutTest, BodyThatNeverArrivesIsClosed) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      client.send("sendevent CUSTOM\nEvent-Subclass: es::test\nContent-Length: 100\n\n"
                  "0123456789"));
  expect_goodbye_after_about_a_second(client, start);
}

}  // namespace
}  // namespace es::itest
