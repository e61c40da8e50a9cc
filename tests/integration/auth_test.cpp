// Authentication phase of inbound connections (docs/wire-protocol.md §3.2, §5.1).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

class AuthTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }
};

TEST_F(AuthTest, GreetingThenCorrectPasswordIsAccepted) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  auto greeting = client.read_frame();
  ASSERT_TRUE(greeting);
  EXPECT_EQ(greeting->raw, kAuthRequestFrame);
  expect_reply(client, "auth ClueCon\n\n",
               "Content-Type: command/reply\nReply-Text: +OK accepted\n\n");
}

// A wrong password, byte for byte: -ERR invalid, the goodbye notice, then the close.
TEST_F(AuthTest, WrongPasswordExample) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  EXPECT_EQ(client.read_raw_bytes(kAuthRequestFrame.size()), kAuthRequestFrame);
  ASSERT_TRUE(client.send("auth nope\n\n"));
  const std::string expected =
      "Content-Type: command/reply\nReply-Text: -ERR invalid\n\n"
      "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n"
      "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
  EXPECT_EQ(client.read_raw_bytes(expected.size()), expected);
  std::string extra;
  EXPECT_TRUE(client.expect_closed(kReadTimeout, &extra)) << "extra bytes: " << extra;
  // A success resets the per-address delay the server adds after failures.
  TestClient good;
  connect_and_auth(good, port());
}

// The password is everything after "auth " up to the line end: exact and case-sensitive.
TEST_F(AuthTest, PasswordComparisonIsExact) {
  for (std::string_view command : {"auth clueCon\n\n", "auth  ClueCon\n\n", "auth ClueCon \n\n"}) {
    TestClient client;
    ASSERT_TRUE(client.connect(port()));
    ASSERT_TRUE(read_greeting(client));
    expect_reply(client, command, reply_frame("-ERR invalid"));
    auto notice = client.read_frame();
    ASSERT_TRUE(notice);
    EXPECT_EQ(notice->raw, disconnect_frame(kGoodbyeBody));
    EXPECT_TRUE(client.expect_closed());
  }
  TestClient good;
  connect_and_auth(good, port());
}

TEST_F(AuthTest, CommandWordIsCaseInsensitive) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(read_greeting(client));
  expect_reply(client, "AUTH ClueCon\n\n", reply_frame("+OK accepted"));
}

// Quirk: a non-auth first packet is refused, and auth may still follow.
TEST_F(AuthTest, OtherCommandsBeforeAuthAreNotFound) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(read_greeting(client));
  expect_reply(client, "api uuid_exists 1\n\n", reply_frame("-ERR command not found"));
  expect_reply(client, "event plain ALL\n\n", reply_frame("-ERR command not found"));
  expect_reply(client, "authenticate\n\n", reply_frame("-ERR command not found"));
  expect_reply(client, "auth ClueCon\n\n", reply_frame("+OK accepted"));
  expect_reply(client, "api uuid_exists 1\n\n", api_frame("false"));
}

TEST_F(AuthTest, AuthAfterSuccessIsNotFound) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  expect_reply(client, "auth ClueCon\n\n", reply_frame("-ERR command not found"));
  expect_reply(client, "userauth a@b:c\n\n", reply_frame("-ERR command not found"));
}

TEST_F(AuthTest, ExitBeforeAuthSaysByeAndCloses) {
  for (std::string_view command : {"exit\n\n", "...\n\n"}) {
    TestClient client;
    ASSERT_TRUE(client.connect(port()));
    ASSERT_TRUE(read_greeting(client));
    expect_reply(client, command, reply_frame("+OK bye"));
    auto notice = client.read_frame();
    ASSERT_TRUE(notice);
    EXPECT_EQ(notice->raw, disconnect_frame(kGoodbyeBody));
    EXPECT_TRUE(client.expect_closed());
  }
}

// Matching is by prefix: "exitnow" exits.
TEST_F(AuthTest, ExitIsMatchedByPrefixAfterAuth) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  expect_reply(client, "exitnow\n\n", reply_frame("+OK bye"));
  auto notice = client.read_frame();
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->raw, disconnect_frame(kGoodbyeBody));
  EXPECT_TRUE(client.expect_closed());
}

// userauth with no directory behind it cannot succeed: -ERR invalid, then the goodbye.
TEST_F(AuthTest, UnknownDirectoryUserIsInvalid) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(read_greeting(client));
  expect_reply(client, "userauth nobody@example.invalid:secret\n\n", reply_frame("-ERR invalid"));
  auto notice = client.read_frame();
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->raw, disconnect_frame(kGoodbyeBody));
  EXPECT_TRUE(client.expect_closed());
  TestClient good;
  connect_and_auth(good, port());
}

// The password need not be on the command line (where ps shows it): --password-file reads the
// first line of a file, EVENTSWITCH_PASSWORD the environment.
TEST(PasswordSources, FileAndEnvironment) {
  std::string path = ::testing::TempDir() + "eventswitch-password-" + std::to_string(getpid());
  {
    std::ofstream file(path);
    file << "fr0m-file\nsecond line ignored\n";
  }
  {
    DaemonProcess daemon(DaemonProcess::default_args({"--password-file", path}));
    ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();
    TestClient client;
    EXPECT_TRUE(connect_and_auth(client, daemon.port(), "fr0m-file"));
    // Listening on loopback: no warning about the default password.
    EXPECT_EQ(daemon.stderr_text().find("default password"), std::string::npos);
  }
  std::remove(path.c_str());
  {
    DaemonProcess missing(DaemonProcess::default_args({"--password-file", path}),
                          /*expect_listening=*/false);
    auto code = missing.wait_exit(5s);
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
    missing.wait_stderr_closed(1s);
    EXPECT_NE(missing.stderr_text().find(path), std::string::npos) << missing.stderr_text();
  }
  ASSERT_EQ(setenv("EVENTSWITCH_PASSWORD", "fr0m-env", 1), 0);
  DaemonProcess daemon(DaemonProcess::default_args());
  unsetenv("EVENTSWITCH_PASSWORD");
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();
  TestClient client;
  EXPECT_TRUE(connect_and_auth(client, daemon.port(), "fr0m-env"));
}

}  // namespace
}  // namespace es::itest
