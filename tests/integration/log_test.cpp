// log / nolog and log/data frames (docs/wire-protocol.md §2, §5.12, §5.13).
#include <regex>

#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

class LogTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(client_, port()));
  }
  // The next log/data frame whose body holds `needle`; other frames skipped.
  std::optional<Frame> read_log_with(std::string_view needle) {
    return client_.read_until([&](const Frame& f) {
      return f.content_type() == "log/data" && f.message.body.find(needle) != std::string::npos;
    });
  }
  TestClient client_;
};

TEST_F(LogTest, LevelWords) {
  // Quirk: no word gives DEBUG with two spaces.
  expect_reply(client_, "log\n\n", reply_frame("+OK log level  [7]"));
  expect_reply(client_, "log info\n\n", reply_frame("+OK log level info [6]"));
  expect_reply(client_, "log WARNING\n\n", reply_frame("+OK log level WARNING [4]"));
  expect_reply(client_, "log 3\n\n", reply_frame("+OK log level 3 [3]"));
  expect_reply(client_, "log -4\n\n", reply_frame("+OK log level -4 [0]"));
  expect_reply(client_, "log 99\n\n", reply_frame("+OK log level 99 [63]"));
}

TEST_F(LogTest, InvalidLevel) {
  expect_reply(client_, "log ERROR\n\n", reply_frame("-ERR invalid log level"));
  expect_reply(client_, "log loud\n\n", reply_frame("-ERR invalid log level"));
}

TEST_F(LogTest, NologReplies) {
  expect_reply(client_, "nolog\n\n", reply_frame("-ERR not loging"));
  expect_reply(client_, "log debug\n\n", reply_frame("+OK log level debug [7]"));
  expect_reply(client_, "nolog\n\n", reply_frame("+OK no longer logging"));
  expect_reply(client_, "nolog\n\n", reply_frame("-ERR not loging"));
}

TEST_F(LogTest, LogDataFrameShape) {
  expect_reply(client_, "log debug\n\n", reply_frame("+OK log level debug [7]"));
  ASSERT_TRUE(client_.send("api log NOTICE itest-marker-frame\n\n"));
  auto frame = read_log_with("itest-marker-frame");
  ASSERT_TRUE(frame);
  const auto& headers = frame->message.headers;
  std::vector<std::string> names;
  names.reserve(headers.size());
  for (const auto& h : headers) names.push_back(h.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"Content-Type", "Content-Length", "Log-Level", "Text-Channel",
                                      "Log-File", "Log-Func", "Log-Line", "User-Data"}));
  EXPECT_EQ(*frame->message.header("Content-Length"), std::to_string(frame->message.body.size()));
  EXPECT_EQ(*frame->message.header("Log-Level"), "5");
  // No session: "User-Data: " with an empty value closes the header block.
  EXPECT_NE(frame->raw.find("\nUser-Data: \n\n"), std::string::npos) << frame->raw;
  static const std::regex kLine(
      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \d+\.\d\d% \[NOTICE\] [^ :]+:\d+ itest-marker-frame\n)");
  EXPECT_TRUE(std::regex_match(frame->message.body, kLine)) << frame->message.body;
}

// FreeSWITCH's log application logs from mod_dptools.c's log_function (line 1865 in its
// master source) for the channel; the line used to say mod_dptools.c:0.
TEST_F(LogTest, LogApplicationLinesNameItsSourceLine) {
  expect_reply(client_, "log debug\n\n", reply_frame("+OK log level debug [7]"));
  ASSERT_TRUE(client_.send("api originate null/1 '&log(NOTICE itest-log-app)'\n\n"));
  auto frame = read_log_with(" itest-log-app\n");  // not the EXECUTE line
  ASSERT_TRUE(frame);
  EXPECT_EQ(*frame->message.header("Log-File"), "mod_dptools.c");
  EXPECT_EQ(*frame->message.header("Log-Func"), "log_function");
  EXPECT_EQ(*frame->message.header("Log-Line"), "1865");
  EXPECT_EQ(frame->message.header("User-Data")->size(), 36u);  // the channel's uuid
  EXPECT_NE(frame->message.body.find("[NOTICE] mod_dptools.c:1865 itest-log-app\n"),
            std::string::npos)
      << frame->message.body;
}

// A wrong password is logged with the peer's address (FreeSWITCH does not log it; watchers
// such as fail2ban need it), in the form of the ACL refusal; the password is not logged.
TEST_F(LogTest, WrongPasswordIsLoggedWithThePeer) {
  expect_reply(client_, "log warning\n\n", reply_frame("+OK log level warning [4]"));
  TestClient intruder;
  ASSERT_TRUE(intruder.connect(port()));
  ASSERT_TRUE(read_greeting(intruder));
  expect_reply(intruder, "auth not-the-password\n\n", reply_frame("-ERR invalid"));
  auto frame = read_log_with("Rejected by authentication");
  ASSERT_TRUE(frame);
  EXPECT_EQ(*frame->message.header("Log-Level"), "4");
  EXPECT_NE(frame->message.body.find("IP 127.0.0.1 Rejected by authentication (auth)\n"),
            std::string::npos)
      << frame->message.body;
  EXPECT_EQ(frame->message.body.find("not-the-password"), std::string::npos);
}

// {sim_dtmf=1@500,2@700}: the comma splits the value and "2@700" is dropped; say so.
TEST_F(LogTest, DroppedDialStringItemIsAWarning) {
  expect_reply(client_, "log warning\n\n", reply_frame("+OK log level warning [4]"));
  ASSERT_TRUE(client_.send("bgapi originate {sim_dtmf=1@500,2@700}sim/1 &hangup()\n\n"));
  auto frame = read_log_with("\"2@700\"");
  ASSERT_TRUE(frame);
  EXPECT_EQ(*frame->message.header("Log-Level"), "4");
  EXPECT_NE(frame->message.body.find("originate: ignored \"2@700\" in a variable block"),
            std::string::npos)
      << frame->message.body;
}

TEST_F(LogTest, LinesAboveTheLevelAreNotSent) {
  expect_reply(client_, "log err\n\n", reply_frame("+OK log level err [3]"));
  ASSERT_TRUE(client_.send("api log NOTICE itest-hidden\n\n"));
  ASSERT_TRUE(client_.send("api log ERR itest-visible\n\n"));
  auto frame = client_.read_until([](const Frame& f) {
    return f.content_type() == "log/data" && f.message.body.find("itest-") != std::string::npos;
  });
  ASSERT_TRUE(frame);
  EXPECT_NE(frame->message.body.find("itest-visible"), std::string::npos) << frame->message.body;
}

TEST_F(LogTest, NologStopsLines) {
  expect_reply(client_, "log debug\n\n", reply_frame("+OK log level debug [7]"));
  expect_reply(client_, "nolog\n\n", reply_frame("+OK no longer logging"));
  expect_reply(client_, "api log ERR itest-after-nolog\n\n", api_frame("+OK\n"));
  EXPECT_TRUE(client_.expect_silence(300ms));
}

}  // namespace
}  // namespace es::itest
