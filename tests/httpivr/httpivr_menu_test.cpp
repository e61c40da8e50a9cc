// httpivr end to end: the daemon routes sim/ callers that press keys to httpivr over the
// outbound socket; httpivr asks this process's webhook what to do. The menu is the example's
// (examples/httpivr/menu.js): 1 plays a tone, 2 records and plays the recording back, 3 bridges
// to another extension.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "client/sync_connection.hpp"
#include "daemon_process.hpp"
#include "httpivr_process.hpp"
#include "webhook_server.hpp"

namespace es::httpivr_test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "s3cret";

class HttpivrMenu : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ = std::make_unique<itest::DaemonProcess>(itest::DaemonProcess::default_args());
  }
  static void TearDownTestSuite() { daemon_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(daemon_ && daemon_->listening());
    record_dir_ =
        std::filesystem::temp_directory_path() / ("httpivr-rec-" + std::to_string(::getpid()));
    std::filesystem::create_directories(record_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(record_dir_); }

  // The menu: /start asks for one digit, /menu branches on it.
  Answer menu(const SeenRequest& r) {
    if (r.path == "/start") {
      return {200, R"j([{"verb":"answer"},{"verb":"gather","num_digits":1,"timeout":5,)j"
                   R"j("play":{"url":"tone_stream://%(200,0,440)"},"action_hook":")j" +
                       web_->url("/menu") + R"j("}])j"};
    }
    if (r.path == "/menu") {
      std::string digits = r.field("digits");
      if (digits == "1") {
        return {200, R"j([{"verb":"play","url":"tone_stream://%(300,0,600)"},{"verb":"hangup"}])j"};
      }
      if (digits == "2") {
        return {200, R"j([{"verb":"record","max_length":10,"finish_on_key":"#","action_hook":")j" +
                         web_->url("/recorded") + R"j("}])j"};
      }
      if (digits == "3") {
        return {200, R"j([{"verb":"dial","target":"{sim_hangup_ms=400}sim/2000","timeout":10,)j"
                     R"j("caller_id":"4444","action_hook":")j" +
                         web_->url("/dialed") + R"j("}])j"};
      }
      return {200, R"j([{"verb":"hangup","cause":"CALL_REJECTED"}])j"};
    }
    if (r.path == "/recorded") {
      return {200, R"j([{"verb":"play","url":")j" + r.field("recording_path") +
                       R"j("},{"verb":"hangup"}])j"};
    }
    if (r.path == "/dialed") return {200, R"j([{"verb":"hangup"}])j"};
    return {200, ""};  // /status
  }

  void start(std::vector<std::string> extra = {}) {
    web_ =
        std::make_unique<WebhookServer>(kSecret, [this](const SeenRequest& r) { return menu(r); });
    std::vector<std::string> args = {"--url",        web_->url("/start"),
                                     "--status-url", web_->url("/status"),
                                     "--secret",     kSecret,
                                     "--record-dir", record_dir_.string(),
                                     "--variables",  "httpivr_test_tag"};
    args.insert(args.end(), extra.begin(), extra.end());
    ivr_ = std::make_unique<HttpivrProcess>(args);
    ASSERT_TRUE(ivr_->running()) << ivr_->log();
  }

  // A sim/ caller with `sim_vars`, sent to httpivr.
  void call(const std::string& sim_vars) {
    client::SyncConnection es;
    es.connect("127.0.0.1", daemon_->port(), client::Credentials::password_only("ClueCon"));
    std::string reply = es.api("originate {^^:httpivr_test_tag=menu:" + sim_vars +
                               "}sim/1000 'socket:127.0.0.1:" + std::to_string(ivr_->port()) +
                               " async full' inline");
    EXPECT_TRUE(reply.starts_with("+OK")) << reply;
    es.disconnect();
  }

  // Every request is signed and names the same call; the last is the status callback.
  void check_common(const std::vector<SeenRequest>& requests) {
    ASSERT_FALSE(requests.empty());
    std::string call_id = requests.front().field("call_id");
    EXPECT_EQ(call_id.size(), 36U);
    for (const SeenRequest& r : requests) {
      EXPECT_TRUE(r.signature_ok) << r.path << " " << r.body;
      EXPECT_EQ(r.field("call_id"), call_id) << r.path;
      EXPECT_EQ(r.field("to"), "1000") << r.body;
      EXPECT_NE(r.json.member("direction"), nullptr) << r.body;
      EXPECT_NE(r.json.member("from"), nullptr) << r.body;
    }
    for (std::size_t i = 0; i + 1 < requests.size(); ++i) {
      EXPECT_EQ(requests[i].field("call_status"), "in-progress") << requests[i].body;
      const apps::httpivr::JsonValue* vars = requests[i].json.member("variables");
      ASSERT_NE(vars, nullptr) << requests[i].body;
      EXPECT_EQ(vars->text("httpivr_test_tag"), "menu") << requests[i].body;
    }
    EXPECT_EQ(requests.back().path, "/status");
    EXPECT_EQ(requests.back().field("call_status"), "completed");
  }

  void expect_no_leak() {
    EXPECT_TRUE(ivr_->wait_for_log("calls active 0, webhook requests pending 0", 5s))
        << ivr_->log();
  }

  static inline std::unique_ptr<itest::DaemonProcess> daemon_;
  std::filesystem::path record_dir_;
  std::unique_ptr<WebhookServer> web_;
  std::unique_ptr<HttpivrProcess> ivr_;
};

TEST_F(HttpivrMenu, PressOnePlaysATone) {
  start();
  call("sim_dtmf=1@600");
  ASSERT_TRUE(web_->wait_for("/status", 15s)) << ivr_->log();
  auto requests = web_->requests();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/menu", "/status"}));
  check_common(requests);
  EXPECT_EQ(requests[0].json.member("digits"), nullptr);
  EXPECT_EQ(requests[1].field("digits"), "1");
  EXPECT_EQ(requests[1].field("reason"), "dtmfDetected");
  EXPECT_EQ(requests[2].field("hangup_cause"), "NORMAL_CLEARING");
  // One log line per request: call id, URL, status, latency.
  EXPECT_NE(ivr_->log().find(requests[0].field("call_id") + " POST " + web_->url("/menu") +
                             " -> 200 in "),
            std::string::npos)
      << ivr_->log();
  expect_no_leak();
}

TEST_F(HttpivrMenu, PressTwoRecordsAndPlaysBack) {
  start();
  // 2 at 0.6 s; the recording starts right after /menu answers and # ends it at 2.6 s.
  call("sim_dtmf=2@600,#@2600");
  ASSERT_TRUE(web_->wait_for("/status", 20s)) << ivr_->log();
  auto requests = web_->requests();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/menu", "/recorded", "/status"}));
  check_common(requests);
  ASSERT_GE(requests.size(), 3U);
  const SeenRequest& recorded = requests[2];
  std::string path = recorded.field("recording_path");
  EXPECT_TRUE(path.starts_with(record_dir_.string())) << path;
  EXPECT_EQ(recorded.field("finish_key"), "#");
  double ms = recorded.json.number("duration_ms").value_or(-1);
  EXPECT_GT(ms, 1400) << recorded.body;
  EXPECT_LT(ms, 2300) << recorded.body;
  EXPECT_EQ(recorded.json.number("duration"), std::round(ms / 1000));
  // 8 kHz 16-bit mono: the file holds what the duration says (plus the header).
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0) << path << "\n" << daemon_->stderr_text();
  double audio_ms = static_cast<double>(st.st_size - 44) / 16.0;
  EXPECT_NEAR(audio_ms, ms, 100) << st.st_size;
  expect_no_leak();
}

TEST_F(HttpivrMenu, PressThreeBridgesToAnotherExtension) {
  start();
  call("sim_dtmf=3@600");
  ASSERT_TRUE(web_->wait_for("/status", 20s)) << ivr_->log();
  auto requests = web_->requests();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/menu", "/dialed", "/status"}));
  check_common(requests);
  ASSERT_GE(requests.size(), 3U);
  // The second leg answered (the bridge completed) and hung up itself after 400 ms.
  EXPECT_EQ(requests[2].field("dial_status"), "completed") << requests[2].body;
  EXPECT_EQ(requests[2].field("hangup_cause"), "NORMAL_CLEARING") << requests[2].body;
  expect_no_leak();
}

TEST_F(HttpivrMenu, NoDigitReportsTheTimeout) {
  start();
  call("sim_hangup_ms=20000");
  ASSERT_TRUE(web_->wait_for("/status", 20s)) << ivr_->log();
  auto requests = web_->requests();
  ASSERT_GE(requests.size(), 2U);
  EXPECT_EQ(requests[1].field("digits"), "");
  EXPECT_EQ(requests[1].field("reason"), "timeout");
  EXPECT_EQ(requests.back().field("hangup_cause"), "CALL_REJECTED");
}

}  // namespace
}  // namespace es::httpivr_test
