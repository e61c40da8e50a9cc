// One daemon per test suite: started in SetUpTestSuite, shared by the suite's tests, stopped
// in TearDownTestSuite. Suites run one after another, so one static slot suffices.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "daemon_process.hpp"
#include "test_client.hpp"

namespace es::itest {

class DaemonSuite : public ::testing::Test {
 public:
  static void TearDownTestSuite() { daemon_.reset(); }

 protected:
  static void start_daemon(std::vector<std::string> extra = {}) {
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::default_args(std::move(extra)));
  }
  void SetUp() override {
    ASSERT_TRUE(daemon_ && daemon_->listening())
        << "daemon did not report its port; stderr:\n"
        << (daemon_ ? daemon_->stderr_text() : std::string());
  }
  static unsigned short port() { return daemon_->port(); }

  // Sends `command` and expects exactly `expected` as the next message.
  static void expect_reply(TestClient& client, std::string_view command,
                           const std::string& expected) {
    ASSERT_TRUE(client.send(command));
    auto frame = client.read_frame();
    ASSERT_TRUE(frame.has_value()) << "no reply to: " << command;
    EXPECT_EQ(frame->raw, expected) << "command: " << command;
  }

  static inline std::unique_ptr<DaemonProcess> daemon_;
};

}  // namespace es::itest
