// api and bgapi over the socket (docs/wire-protocol.md §5.10, §5.11).
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

class ApiTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(client_, port()));
  }
  TestClient client_;
};

TEST_F(ApiTest, OutputIsSentVerbatimAsApiResponse) {
  expect_reply(client_, "api uuid_exists 00000000-0000-0000-0000-000000000000\n\n",
               "Content-Type: api/response\nContent-Length: 5\n\nfalse");
  expect_reply(client_, "api echo hello socket world\n\n", api_frame("hello socket world"));
}

TEST_F(ApiTest, UnknownCommandBody) {
  expect_reply(client_, "api no_such_command with args\n\n",
               api_frame("-ERR no_such_command Command not found!\n"));
}

// sim_clock exists on every daemon, so a user trying it learns how to get a simulated clock.
TEST_F(ApiTest, SimClockOnARealClockSaysHowToGetOne) {
  const std::string hint =
      "-ERR the switch clock is real: start the daemon with --simulated-time to use sim_clock\n";
  expect_reply(client_, "api sim_clock\n\n", api_frame(hint));
  expect_reply(client_, "api sim_clock advance 1000\n\n", api_frame(hint));
}

// The interfaces the switch has, as FreeSWITCH lists them (they answered "0 total." before).
TEST_F(ApiTest, ShowCodecAndDialplanListWhatTheSwitchHas) {
  expect_reply(client_, "api show codec\n\n",
               api_frame("type,name,ikey\ncodec,RAW Signed Linear (16 bit),CORE_PCM_MODULE\n\n"
                         "1 total.\n"));
  expect_reply(client_, "api show dialplan\n\n",
               api_frame("type,name,ikey\ndialplan,XML,mod_dialplan_xml\n"
                         "dialplan,inline,mod_dptools\n\n2 total.\n"));
}

TEST_F(ApiTest, EmptyOutputBody) {
  expect_reply(client_, "api echo\n\n", api_frame("-ERR no reply\n"));
}

TEST_F(ApiTest, CommandWordIsCaseInsensitive) {
  expect_reply(client_, "API echo upper\n\n", api_frame("upper"));
}

TEST_F(ApiTest, BgapiWithoutJobUuidGeneratesOne) {
  ASSERT_TRUE(client_.send("bgapi echo generated\n\n"));
  auto reply = client_.read_frame();
  ASSERT_TRUE(reply);
  const std::string prefix = "Content-Type: command/reply\nReply-Text: +OK Job-UUID: ";
  ASSERT_TRUE(reply->raw.starts_with(prefix)) << reply->raw;
  std::string uuid = reply->raw.substr(prefix.size(), 36);
  EXPECT_TRUE(looks_like_uuid(uuid)) << uuid;
  EXPECT_EQ(reply->raw, prefix + uuid + "\nJob-UUID: " + uuid + "\n\n");
}

// esl-lite sends a lowercase job-uuid header holding a 26-character ULID: echoed as given,
// and the BACKGROUND_JOB event carries it.
TEST_F(ApiTest, BgapiEchoesClientUlidJobUuidAndFiresBackgroundJob) {
  const std::string ulid = "01HZX3K9Q7RT2V8WMB5CDEFGHJ";
  ASSERT_EQ(ulid.size(), 26u);
  expect_reply(client_, "event plain BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "bgapi echo ulid-job-output\njob-uuid: " + ulid + "\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + ulid +
                   "\nJob-UUID: " + ulid + "\n\n");
  auto event = client_.read_frame();
  ASSERT_TRUE(event);
  ASSERT_TRUE(check_event_frame(*event, "plain"));
  auto job = parse_plain_event(event->message.body);
  ASSERT_FALSE(job.headers.empty());
  EXPECT_EQ(job.headers[0].name, "Event-Name");
  EXPECT_EQ(job.headers[0].value, "BACKGROUND_JOB");
  ASSERT_TRUE(job.header("Job-UUID"));
  EXPECT_EQ(*job.header("Job-UUID"), ulid);
  ASSERT_TRUE(job.header("Job-Command"));
  EXPECT_EQ(*job.header("Job-Command"), "echo");
  ASSERT_TRUE(job.header("Job-Command-Arg"));
  EXPECT_EQ(*job.header("Job-Command-Arg"), "ulid-job-output");
  EXPECT_EQ(job.header("Job-Owner-UUID"), nullptr);  // no session controlled
  ASSERT_TRUE(job.header("Content-Length"));
  EXPECT_EQ(*job.header("Content-Length"), "15");
  EXPECT_EQ(job.body, "ulid-job-output");
}

TEST_F(ApiTest, BgapiJobInJsonCarriesBodyAndStringValues) {
  expect_reply(client_, "event json BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled json"));
  const std::string job_uuid = "3f1c9a52-0d4e-4b8a-9c61-2e7f0a1b2c3d";
  expect_reply(client_, "bgapi echo json \"quoted\"\nJob-UUID: " + job_uuid + "\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job_uuid +
                   "\nJob-UUID: " + job_uuid + "\n\n");
  auto event = client_.read_frame();
  ASSERT_TRUE(event);
  ASSERT_TRUE(check_event_frame(*event, "json"));
  const std::string& json = event->message.body;
  EXPECT_TRUE(json.starts_with("{\"Event-Name\":\"BACKGROUND_JOB\",")) << json;
  EXPECT_NE(json.find("\"Job-UUID\":\"" + job_uuid + "\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"Job-Command\":\"echo\",\"Job-Command-Arg\":\"json \\\"quoted\\\"\""),
            std::string::npos)
      << json;
  EXPECT_TRUE(json.ends_with(",\"Content-Length\":\"13\",\"_body\":\"json \\\"quoted\\\"\"}"))
      << json;
}

TEST_F(ApiTest, BgapiOfUnknownCommandReportsNotFoundInTheJobBody) {
  expect_reply(client_, "event plain BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "bgapi no_such_thing arg\nJob-UUID: job-unknown-1\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: job-unknown-1\n"
               "Job-UUID: job-unknown-1\n\n");
  auto event = read_plain_event_with(client_, "Job-UUID", "job-unknown-1");
  ASSERT_TRUE(event);
  auto job = parse_plain_event(event->message.body);
  EXPECT_EQ(job.body, "-ERR no_such_thing Command not found!\n");
}

// modesl sends "bgapi status " with a trailing space: the argument is empty, so there is
// no Job-Command-Arg header (empty values are never stored).
TEST_F(ApiTest, BgapiTrailingSpaceHasNoCommandArg) {
  expect_reply(client_, "event plain BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "bgapi status \nJob-UUID: job-trailing-space\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: job-trailing-space\n"
               "Job-UUID: job-trailing-space\n\n");
  auto event = read_plain_event_with(client_, "Job-UUID", "job-trailing-space");
  ASSERT_TRUE(event);
  auto job = parse_plain_event(event->message.body);
  ASSERT_TRUE(job.header("Job-Command"));
  EXPECT_EQ(*job.header("Job-Command"), "status");
  EXPECT_EQ(job.header("Job-Command-Arg"), nullptr);
  EXPECT_FALSE(job.body.empty());
}

// Without a BACKGROUND_JOB subscription the job result is not delivered.
TEST_F(ApiTest, BgapiEventNeedsSubscription) {
  expect_reply(client_, "bgapi echo unseen\nJob-UUID: job-unseen\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: job-unseen\n"
               "Job-UUID: job-unseen\n\n");
  expect_reply(client_, "api echo next\n\n", api_frame("next"));
  EXPECT_TRUE(client_.expect_silence(300ms));
}

}  // namespace
}  // namespace es::itest
