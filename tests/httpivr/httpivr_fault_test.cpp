// httpivr when the web application misbehaves: down, slow, malformed, failing once, and the
// caller hanging up while a request is out. The call is never left hanging, the status callback
// always fires, and nothing is left behind (the end-of-call log line counts what is pending).
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "client/sync_connection.hpp"
#include "daemon_process.hpp"
#include "httpivr_process.hpp"
#include "webhook_server.hpp"

namespace es::httpivr_test {
namespace {

using namespace std::chrono_literals;

// A URL where nothing listens: a port bound and released by a webhook server of our own.
std::string dead_url() {
  WebhookServer gone("", [](const SeenRequest&) { return Answer{}; });
  return gone.url("/start");
}

class HttpivrFaults : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ = std::make_unique<itest::DaemonProcess>(itest::DaemonProcess::default_args());
  }
  static void TearDownTestSuite() { daemon_.reset(); }
  void SetUp() override { ASSERT_TRUE(daemon_ && daemon_->listening()); }

  void web(WebhookServer::Script script) {
    web_ = std::make_unique<WebhookServer>("k", std::move(script));
  }
  // httpivr with `args`, the status callback to our webhook and short backoffs.
  void ivr(std::vector<std::string> args) {
    args.insert(args.end(),
                {"--status-url", web_->url("/status"), "--secret", "k", "--backoff-ms", "50"});
    ivr_ = std::make_unique<HttpivrProcess>(args);
    ASSERT_TRUE(ivr_->running()) << ivr_->log();
  }

  void call(const std::string& sim_vars = "sim_hangup_ms=30000") {
    client::SyncConnection es;
    es.connect("127.0.0.1", daemon_->port(), client::Credentials::password_only("ClueCon"));
    std::string reply = es.api("originate {" + sim_vars + "}sim/1000 'socket:127.0.0.1:" +
                               std::to_string(ivr_->port()) + " async full' inline");
    EXPECT_TRUE(reply.starts_with("+OK")) << reply;
    es.disconnect();
  }

  std::string status_cause() {
    for (const SeenRequest& r : web_->requests()) {
      if (r.path == "/status") return r.field("hangup_cause");
    }
    return "<no status callback>";
  }

  static inline std::unique_ptr<itest::DaemonProcess> daemon_;
  std::unique_ptr<WebhookServer> web_;
  std::unique_ptr<HttpivrProcess> ivr_;
};

const char* kHangupBusy = R"j([{"verb":"hangup","cause":"USER_BUSY"}])j";

TEST_F(HttpivrFaults, WebhookDownUsesTheFallback) {
  web([](const SeenRequest&) { return Answer{200, kHangupBusy}; });
  ivr({"--url", dead_url(), "--fallback-url", web_->url("/fallback"), "--retries", "1"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/fallback", "/status"}));
  EXPECT_EQ(status_cause(), "USER_BUSY");
  EXPECT_NE(ivr_->log().find("(attempts 2)"), std::string::npos) << ivr_->log();
  EXPECT_TRUE(ivr_->wait_for_log("calls active 0, webhook requests pending 0", 5s));
}

TEST_F(HttpivrFaults, WebhookAndFallbackDownApologiseAndHangUpWithTheNamedCause) {
  web([](const SeenRequest&) { return Answer{}; });
  ivr({"--url", dead_url(), "--fallback-url", dead_url(), "--retries", "0", "--apology",
       "tone_stream://%(300,0,350)", "--fault-cause", "SERVICE_UNAVAILABLE"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(status_cause(), "SERVICE_UNAVAILABLE");
  EXPECT_NE(ivr_->log().find("apologising, then hanging up"), std::string::npos) << ivr_->log();
}

TEST_F(HttpivrFaults, SlowWebhookTimesOutAndFallsBack) {
  web([](const SeenRequest& r) {
    if (r.path == "/start") return Answer{200, kHangupBusy, 3000ms};
    if (r.path == "/fallback")
      return Answer{200, R"j([{"verb":"hangup","cause":"CALL_REJECTED"}])j"};
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--fallback-url", web_->url("/fallback"), "--timeout-ms",
       "500", "--retries", "0"});
  auto started = std::chrono::steady_clock::now();
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
  EXPECT_EQ(status_cause(), "CALL_REJECTED");
  EXPECT_NE(ivr_->log().find("-> timeout"), std::string::npos) << ivr_->log();
}

TEST_F(HttpivrFaults, MalformedJsonFallsBackThenHangsUp) {
  web([](const SeenRequest& r) {
    if (r.path == "/start") return Answer{200, R"j([{"verb":"play","url":)j"};
    if (r.path == "/fallback") return Answer{200, R"j({"verb":"not an array"})j"};
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--fallback-url", web_->url("/fallback"), "--fault-cause",
       "CALL_REJECTED"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/fallback", "/status"}));
  EXPECT_EQ(status_cause(), "CALL_REJECTED");
}

TEST_F(HttpivrFaults, UnknownVerbIsAFault) {
  web([](const SeenRequest& r) {
    if (r.path == "/start") return Answer{200, R"j([{"verb":"teleport"}])j"};
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--fault-cause", "NORMAL_TEMPORARY_FAILURE"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(status_cause(), "NORMAL_TEMPORARY_FAILURE");
  EXPECT_NE(ivr_->log().find("unknown verb \"teleport\""), std::string::npos);
}

TEST_F(HttpivrFaults, UnknownVerbAsksTheFallbackOnce) {
  web([](const SeenRequest& r) {
    if (r.path == "/start") return Answer{200, R"j([{"verb":"teleport"}])j"};
    // The fallback answers a bad verb too: no second fallback, the fault path ends the call.
    if (r.path == "/fallback" && r.field("call_status") == "in-progress") {
      return Answer{200, R"j([{"verb":"answer"},{"verb":"set","variables":{"a":"b"}},)j"
                         R"j({"verb":"dial"}])j"};
    }
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--fallback-url", web_->url("/fallback"), "--fault-cause",
       "SERVICE_UNAVAILABLE"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/fallback", "/status"}));
  EXPECT_EQ(status_cause(), "SERVICE_UNAVAILABLE");
  EXPECT_NE(ivr_->log().find("dial without a target"), std::string::npos) << ivr_->log();
}

TEST_F(HttpivrFaults, HeaderInjectionThroughVerbsIsAFault) {
  web([this](const SeenRequest& r) {
    if (r.path == "/start") {
      return Answer{200, R"j([{"verb":"set","variables":{"x":"1"},"action_hook":")j" +
                             web_->url("/next") + R"j(\r\nX-Evil: 1"}])j"};
    }
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--fallback-url", web_->url("/fallback"), "--retries", "0",
       "--fault-cause", "CALL_REJECTED"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  // The bad hook is never requested; the fallback (not answering verbs) ends in the fault.
  for (const SeenRequest& r : web_->requests()) EXPECT_EQ(r.path.find("next"), std::string::npos);
  EXPECT_NE(ivr_->log().find("not an http(s) URL"), std::string::npos) << ivr_->log();
  EXPECT_EQ(status_cause(), "CALL_REJECTED");
}

TEST_F(HttpivrFaults, HangupCauseMustBeACauseName) {
  web([](const SeenRequest& r) {
    if (r.path == "/start") {
      return Answer{200, R"j([{"verb":"hangup","cause":"NORMAL_CLEARING\nhangup-cause: X"}])j"};
    }
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--fault-cause", "CALL_REJECTED"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(status_cause(), "CALL_REJECTED");
}

TEST_F(HttpivrFaults, ChannelVariableChoosesTheFirstUrl) {
  web([](const SeenRequest& r) {
    if (r.path == "/other") return Answer{200, R"j([{"verb":"hangup","cause":"USER_BUSY"}])j"};
    return Answer{500, "wrong url"};
  });
  ivr({"--url", web_->url("/start")});
  call("httpivr_url=" + web_->url("/other"));
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/other", "/status"}));
  EXPECT_EQ(status_cause(), "USER_BUSY");
}

TEST_F(HttpivrFaults, TransferHandsTheCallToTheDialplan) {
  web([](const SeenRequest& r) {
    if (r.path == "/start") {
      return Answer{200, R"j([{"verb":"transfer","target":"9999","context":"default"},)j"
                         R"j({"verb":"hangup","cause":"USER_BUSY"}])j"};
    }
    return Answer{};
  });
  ivr({"--url", web_->url("/start")});
  call("sim_hangup_ms=1500");
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  // Nothing after the transfer ran (no USER_BUSY): the dialplan had the call until the caller
  // hung up.
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/status"}));
  EXPECT_EQ(status_cause(), "NORMAL_CLEARING") << ivr_->log();
}

TEST_F(HttpivrFaults, MaxCallsEndsTheProgramAfterItsCalls) {
  web([](const SeenRequest& r) {
    if (r.path == "/start") return Answer{200, R"j([{"verb":"hangup"}])j"};
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--max-calls", "1"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_TRUE(ivr_->wait_for_exit(5s)) << ivr_->log();
}

TEST_F(HttpivrFaults, ServerErrorThenSuccessIsRetried) {
  auto failures = std::make_shared<std::atomic<int>>(0);
  web([failures](const SeenRequest& r) {
    if (r.path == "/start" && failures->fetch_add(1) == 0) return Answer{500, "oops"};
    if (r.path == "/start") return Answer{200, kHangupBusy};
    return Answer{};
  });
  ivr({"--url", web_->url("/start"), "--retries", "2"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/start", "/status"}));
  auto requests = web_->requests();
  EXPECT_EQ(requests[0].body, requests[1].body);  // the same request, sent again
  EXPECT_EQ(status_cause(), "USER_BUSY");
  EXPECT_NE(ivr_->log().find("(attempts 2)"), std::string::npos) << ivr_->log();
}

TEST_F(HttpivrFaults, CallerHangsUpDuringTheRequest) {
  web([](const SeenRequest& r) {
    // Answered after the caller is gone: a play that must never run.
    if (r.path == "/start") {
      return Answer{200, R"j([{"verb":"play","url":"tone_stream://%(5000,0,440)"}])j", 1500ms};
    }
    return Answer{};
  });
  ivr({"--url", web_->url("/start")});
  call("sim_hangup_ms=400");
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(web_->paths(), (std::vector<std::string>{"/start", "/status"}));
  EXPECT_EQ(status_cause(), "NORMAL_CLEARING");
  EXPECT_TRUE(ivr_->wait_for_log("its answer is dropped", 5s)) << ivr_->log();
  EXPECT_TRUE(ivr_->wait_for_log("calls active 0, webhook requests pending 0", 5s)) << ivr_->log();
  EXPECT_EQ(ivr_->log().find("playback"), std::string::npos);
}

// A minimal WAV file: 8 kHz, 16-bit mono, `ms` of silence.
std::string silent_wav(int ms) {
  auto le = [](std::string& out, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  std::uint32_t data = static_cast<std::uint32_t>(ms) * 16;
  std::string wav = "RIFF";
  le(wav, 36 + data, 4);
  wav += "WAVEfmt ";
  le(wav, 16, 4);
  le(wav, 1, 2);      // PCM
  le(wav, 1, 2);      // mono
  le(wav, 8000, 4);   // rate
  le(wav, 16000, 4);  // bytes per second
  le(wav, 2, 2);
  le(wav, 16, 2);
  wav += "data";
  le(wav, data, 4);
  wav.append(data, '\0');
  return wav;
}

TEST_F(HttpivrFaults, PlayFetchesHttpMediaOnceAndCachesIt) {
  std::string cache = "/tmp/httpivr-media-test-" + std::to_string(::getpid());
  web([this](const SeenRequest& r) {
    if (r.path != "/start") return Answer{};
    std::string play = R"j({"verb":"play","url":")j" + web_->url("/prompt.wav") + R"j("})j";
    return Answer{200, "[" + play + "," + play + R"j(,{"verb":"hangup","cause":"USER_BUSY"}])j"};
  });
  web_->add_file("/prompt.wav", silent_wav(300));
  ivr({"--url", web_->url("/start"), "--media-cache-dir", cache});
  auto started = std::chrono::steady_clock::now();
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(status_cause(), "USER_BUSY") << ivr_->log();
  EXPECT_EQ(web_->gets("/prompt.wav"), 1);  // the second play used the cached file
  // Both plays ran: 2 x 300 ms of audio.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 600ms);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache)) {
    EXPECT_EQ(entry.path().extension(), ".wav");
    EXPECT_EQ(std::filesystem::file_size(entry.path()), 44U + 300 * 16);
    ++files;
  }
  EXPECT_EQ(files, 1U);
  std::filesystem::remove_all(cache);
}

TEST_F(HttpivrFaults, PlayOfMissingHttpMediaIsAFault) {
  web([this](const SeenRequest& r) {
    if (r.path != "/start") return Answer{};
    return Answer{200, R"j([{"verb":"play","url":")j" + web_->url("/missing.wav") + R"j("}])j"};
  });
  ivr({"--url", web_->url("/start"), "--media-cache-dir",
       "/tmp/httpivr-media-test-" + std::to_string(::getpid()), "--fault-cause", "CALL_REJECTED"});
  call();
  ASSERT_TRUE(web_->wait_for("/status", 10s)) << ivr_->log();
  EXPECT_EQ(status_cause(), "CALL_REJECTED");
  EXPECT_NE(ivr_->log().find("-> HTTP 404"), std::string::npos) << ivr_->log();
}

}  // namespace
}  // namespace es::httpivr_test
