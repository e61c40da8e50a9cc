// The client library (eventswitch::client) against the real daemon: api, bgapi with its own
// Job-UUID, a subscribe + sendevent round trip, execute on a parked call, refusals.
#include "client/sync_connection.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

using client::ClientError;
using client::Credentials;
using client::SyncConnection;

class ClientLibraryTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_NO_THROW(conn_.connect("127.0.0.1", port(), Credentials::password_only("ClueCon")));
  }
  SyncConnection conn_;
};

TEST_F(ClientLibraryTest, ApiReturnsTheBody) {
  std::string status = conn_.api("status");
  EXPECT_TRUE(status.starts_with("UP ")) << status;
  EXPECT_EQ(conn_.api("echo hello world"), "hello world");
}

TEST_F(ClientLibraryTest, BgapiWithOwnJobUuidCompletesWithItsEvent) {
  const std::string uuid = "11111111-2222-3333-4444-555555555555";
  client::BackgroundJob job = conn_.bgapi("echo from the background", uuid);
  EXPECT_EQ(job.uuid, uuid);
  EXPECT_EQ(job.body, "from the background");
  EXPECT_EQ(job.event.header_or("Job-Command"), "echo");
  // The library's BACKGROUND_JOB subscription is not the application's: nothing queued.
  EXPECT_FALSE(conn_.next_event(std::chrono::milliseconds(200)).has_value());
  // A generated Job-UUID works the same way.
  client::BackgroundJob second = conn_.bgapi("echo again");
  EXPECT_EQ(second.body, "again");
  EXPECT_EQ(second.uuid.size(), 36u);
}

TEST_F(ClientLibraryTest, SubscribeAndSendeventRoundTrip) {
  for (auto format : {protocol::EventFormat::kPlain, protocol::EventFormat::kJson}) {
    ASSERT_TRUE(conn_.subscribe(format, "CUSTOM client::test").ok());
    std::string marker = "value with spaces & symbols: " + client::make_uuid();
    client::Reply sent = conn_.sendevent(
        "CUSTOM", {{"Event-Subclass", "client::test"}, {"X-Marker", marker}}, "the body");
    EXPECT_TRUE(sent.ok()) << sent.text;
    auto event = conn_.next_event(std::chrono::seconds(5));
    ASSERT_TRUE(event.has_value()) << protocol::format_name(format);
    EXPECT_EQ(event->name(), "CUSTOM");
    EXPECT_EQ(event->header_or("Event-Subclass"), "client::test");
    EXPECT_EQ(event->header_or("X-Marker"), marker);
    EXPECT_EQ(event->body, "the body");
    ASSERT_TRUE(conn_.unsubscribe_all().ok());
  }
}

// `event json-numeric` (docs/event-formats.md §4.5) is per connection: in the same run the
// connection that asked gets number-like values as bare JSON numbers, the `json` one gets
// every value as a string, and the library (ConnectionOptions::json_numbers) reads the numbers
// back as the digits that were sent.
TEST_F(ClientLibraryTest, JsonNumericIsPerConnectionAndReadsBackAsText) {
  TestClient numeric;
  TestClient strings;
  ASSERT_TRUE(connect_and_auth(numeric, port()));
  ASSERT_TRUE(connect_and_auth(strings, port()));
  expect_reply(numeric, "event json-numeric CUSTOM client::num\n\n",
               reply_frame("+OK event listener enabled json-numeric"));
  expect_reply(strings, "event json CUSTOM client::num\n\n",
               reply_frame("+OK event listener enabled json"));
  client::ConnectionOptions options;
  options.json_numbers = true;
  SyncConnection reader(options);
  ASSERT_NO_THROW(reader.connect("127.0.0.1", port(), Credentials::password_only("ClueCon")));
  ASSERT_TRUE(reader.subscribe(protocol::EventFormat::kJson, "CUSTOM client::num").ok());

  ASSERT_TRUE(conn_
                  .sendevent("CUSTOM", {{"Event-Subclass", "client::num"},
                                        {"X-Count", "42"},
                                        {"X-Ratio", "-0.25"},
                                        {"X-Extension", "0123"},
                                        {"X-Huge", "12345678901234567890"}})
                  .ok());

  auto numbers = numeric.read_frame();
  ASSERT_TRUE(numbers.has_value());
  EXPECT_EQ(numbers->content_type(), "text/event-json");
  const std::string& numbers_body = numbers->message.body;
  EXPECT_NE(numbers_body.find(R"("X-Count":42,)"), std::string::npos) << numbers_body;
  EXPECT_NE(numbers_body.find(R"("X-Ratio":-0.25,)"), std::string::npos) << numbers_body;
  EXPECT_NE(numbers_body.find(R"("X-Extension":"0123")"), std::string::npos) << numbers_body;
  EXPECT_NE(numbers_body.find(R"("X-Huge":"12345678901234567890")"), std::string::npos)
      << numbers_body;
  EXPECT_EQ(numbers_body.find(R"("Event-Date-Timestamp":")"), std::string::npos) << numbers_body;

  auto texts = strings.read_frame();
  ASSERT_TRUE(texts.has_value());
  const std::string& texts_body = texts->message.body;
  EXPECT_NE(texts_body.find(R"("X-Count":"42",)"), std::string::npos) << texts_body;
  EXPECT_NE(texts_body.find(R"("X-Ratio":"-0.25",)"), std::string::npos) << texts_body;
  EXPECT_NE(texts_body.find(R"("Event-Date-Timestamp":")"), std::string::npos) << texts_body;

  auto event = reader.next_event(std::chrono::seconds(5));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->header_or("X-Count"), "42");
  EXPECT_EQ(event->header_or("X-Ratio"), "-0.25");
  EXPECT_EQ(event->header_or("X-Extension"), "0123");
  EXPECT_FALSE(event->header_or("Event-Date-Timestamp").empty());
  EXPECT_EQ(event->header_or("Event-Date-Timestamp"),
            numbers_body.substr(numbers_body.find(R"("Event-Date-Timestamp":)") + 23, 16));
}

TEST_F(ClientLibraryTest, ExecuteOnAParkedCallAwaitsExecuteComplete) {
  std::string originated = conn_.api("originate null/1 &park()");
  ASSERT_TRUE(originated.starts_with("+OK ")) << originated;
  std::string uuid = originated.substr(4);
  while (!uuid.empty() && (uuid.back() == '\n' || uuid.back() == '\r')) uuid.pop_back();

  client::Event done = conn_.execute(uuid, "set", "x=1");
  EXPECT_EQ(done.name(), "CHANNEL_EXECUTE_COMPLETE");
  EXPECT_EQ(done.header_or("Application"), "set");
  EXPECT_EQ(done.header_or("Unique-ID"), uuid);
  EXPECT_EQ(conn_.api("uuid_getvar " + uuid + " x"), "1");

  EXPECT_THROW(conn_.execute("00000000-0000-0000-0000-000000000000", "set", "x=2"), ClientError);
  EXPECT_TRUE(conn_.api("uuid_kill " + uuid).starts_with("+OK"));
}

// An unknown application: the switch logs "Invalid Application" and hangs the channel up
// without CHANNEL_EXECUTE_COMPLETE; the hangup must end the execute (it used to wait forever).
TEST_F(ClientLibraryTest, ExecuteOfAnUnknownApplicationEndsWithTheHangup) {
  std::string originated = conn_.api("originate null/1 &park()");
  ASSERT_TRUE(originated.starts_with("+OK ")) << originated;
  std::string uuid = originated.substr(4);
  while (!uuid.empty() && (uuid.back() == '\n' || uuid.back() == '\r')) uuid.pop_back();
  auto started = std::chrono::steady_clock::now();
  try {
    conn_.execute(uuid, "nosuchapp");
    ADD_FAILURE() << "execute did not throw";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientError::Kind::kChannelHungUp) << error.what();
    EXPECT_NE(std::string(error.what()).find("DESTINATION_OUT_OF_ORDER"), std::string::npos)
        << error.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(conn_.api("uuid_exists " + uuid), "false");
}

TEST_F(ClientLibraryTest, WrongPasswordIsRefusedWithItsReason) {
  SyncConnection other;
  try {
    other.connect("127.0.0.1", port(), Credentials::password_only("wrong"));
    ADD_FAILURE() << "connect did not throw";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientError::Kind::kAuthFailed);
    EXPECT_STREQ(error.what(), "authentication failed: -ERR invalid");
  }
  EXPECT_FALSE(other.is_open());
}

TEST_F(ClientLibraryTest, ExitEndsTheConnection) {
  conn_.disconnect();
  EXPECT_FALSE(conn_.is_open());
  EXPECT_THROW(conn_.api("status"), ClientError);
}

}  // namespace
}  // namespace es::itest
