#include "core/spawn.hpp"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace es::core {
namespace {

class LogRecorder : public LogSink {
 public:
  void on_log(const LogLinePtr& line) override { lines.push_back(line); }
  std::vector<LogLinePtr> lines;
};

class SpawnTest : public ::testing::Test {
 protected:
  void SetUp() override { log_.add_sink(sink_); }
  RealClock clock_;
  LogBus log_{clock_};
  std::shared_ptr<LogRecorder> sink_ = std::make_shared<LogRecorder>();
  asio::io_context io_;
};

TEST_F(SpawnTest, ThrowingCoroutineIsLoggedAndRecovered) {
  std::string recovered;
  spawn_guarded(
      log_, io_.get_executor(), "test coroutine",
      []() -> asio::awaitable<void> {
        throw std::runtime_error("boom");
        co_return;
      },
      [&](const std::exception_ptr& error) { recovered = exception_text(error); });
  EXPECT_NO_THROW(io_.run());
  EXPECT_EQ(recovered, "boom");
  ASSERT_EQ(sink_->lines.size(), 1u);
  EXPECT_EQ(sink_->lines[0]->level, static_cast<int>(LogLevel::kCrit));
  EXPECT_EQ(sink_->lines[0]->message, "test coroutine failed: boom");
}

TEST_F(SpawnTest, CleanCoroutineRunsNoRecovery) {
  bool ran = false;
  bool recovered = false;
  spawn_guarded(
      log_, io_.get_executor(), "clean",
      [&]() -> asio::awaitable<void> {
        ran = true;
        co_return;
      },
      [&](const std::exception_ptr&) { recovered = true; });
  io_.run();
  EXPECT_TRUE(ran);
  EXPECT_FALSE(recovered);
  EXPECT_TRUE(sink_->lines.empty());
}

TEST_F(SpawnTest, ThrowingPostedJobAndThrowingRecoveryAreContained) {
  post_guarded(
      log_, io_.get_executor(), "job", [] { throw 42; },
      [](const std::exception_ptr&) { throw std::logic_error("again"); });
  EXPECT_NO_THROW(io_.run());
  ASSERT_EQ(sink_->lines.size(), 2u);
  EXPECT_EQ(sink_->lines[0]->message, "job failed: unknown exception");
  EXPECT_EQ(sink_->lines[1]->message, "job: recovery failed: again");
}

TEST_F(SpawnTest, EventLoopSurvivesAThrowingHandler) {
  int after = 0;
  asio::post(io_, [] { throw std::runtime_error("handler"); });
  asio::post(io_, [&] { ++after; });
  EXPECT_NO_THROW(run_guarded(io_, log_, "event loop"));
  EXPECT_EQ(after, 1);
  ASSERT_EQ(sink_->lines.size(), 1u);
  EXPECT_EQ(sink_->lines[0]->message, "event loop failed: handler");
}

}  // namespace
}  // namespace es::core
