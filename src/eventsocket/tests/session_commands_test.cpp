// The server without the switch: a fake SessionControl stands in for the calls, so the replies
// that need a controlled session (docs/wire-protocol.md §5.6-5.9, §5.14) are checked in-process.
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/runtime.hpp"
#include "eventsocket/server.hpp"
#include "protocol/message_parser.hpp"

namespace es::eventsocket {
namespace {

constexpr std::string_view kLiveUuid = "11111111-2222-3333-4444-555555555555";
constexpr std::string_view kFullUuid = "99999999-2222-3333-4444-555555555555";

class FakeSessions final : public core::SessionControl {
 public:
  std::shared_ptr<void> attach(std::string_view uuid, std::function<void()>,
                               std::function<void()>) override {
    return is_live(uuid) ? std::make_shared<int>(0) : nullptr;
  }
  bool is_live(std::string_view uuid) const override {
    return uuid == kLiveUuid || uuid == kFullUuid;
  }
  std::optional<std::string> channel_name(std::string_view uuid) const override {
    if (!is_live(uuid)) return std::nullopt;
    return "sim/" + std::string(uuid);
  }
  bool confine(std::string_view uuid, const core::AccessRules&) override { return is_live(uuid); }
  core::QueueResult queue_message(std::string_view uuid, core::Event message) override {
    if (uuid == kFullUuid) return core::QueueResult::kQueueFull;
    std::lock_guard lock(mutex_);
    messages.push_back(std::move(message));
    return core::QueueResult::kQueued;
  }
  core::QueueResult queue_event(std::string_view, core::Event event) override {
    std::lock_guard lock(mutex_);
    events.push_back(std::move(event));
    return core::QueueResult::kQueued;
  }
  std::mutex mutex_;
  std::deque<core::Event> messages;
  std::deque<core::Event> events;
};

class SessionCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen_port = 0;
    runtime_.set_session_control(&sessions_);
    server_ = std::make_unique<Server>(io_, runtime_, options);
    std::string error;
    ASSERT_FALSE(server_->listen(&error)) << error;
    server_->start_accepting();
    thread_ = std::thread([this] { io_.run(); });
    socket_.connect(server_->local_endpoint());
    EXPECT_EQ(read_raw(), "Content-Type: auth/request\n\n");
    EXPECT_EQ(command("auth ClueCon"), "+OK accepted");
  }
  void TearDown() override {
    std::error_code ec;
    socket_.close(ec);
    server_->stop("");
    io_.stop();
    thread_.join();
  }

  // The next message exactly as received.
  std::string read_raw() {
    protocol::Message message;
    for (;;) {
      if (parser_.next(message) == protocol::ParseStatus::kPacket) {
        last_ = message;
        return rebuild(message);
      }
      char chunk[4096];
      std::size_t n = socket_.read_some(asio::buffer(chunk));
      parser_.feed(std::string_view(chunk, n));
    }
  }
  // Sends a command and returns its Reply-Text.
  std::string command(std::string_view text) {
    asio::write(socket_, asio::buffer(std::string(text) + "\n\n"));
    read_raw();
    const std::string* reply = last_.header("Reply-Text");
    return reply ? *reply : "<no Reply-Text>";
  }
  static std::string rebuild(const protocol::Message& m) {
    std::string out;
    for (const auto& h : m.headers) out += h.name + ": " + h.value + "\n";
    return out + "\n" + m.body;
  }

  core::Runtime runtime_{std::make_unique<core::RealClock>()};
  FakeSessions sessions_;
  asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  asio::ip::tcp::socket socket_{io_};
  protocol::MessageParser parser_;
  protocol::Message last_;
};

TEST_F(SessionCommandsTest, WithoutASessionTheSessionCommandsRefuse) {
  EXPECT_EQ(command("linger"), "-ERR not controlling a session");
  EXPECT_EQ(command("nolinger"), "-ERR not controlling a session");
  EXPECT_EQ(command("divert_events on"), "-ERR not controlling a session.");
  EXPECT_EQ(command("sendmsg"), "-ERR invalid session id []");
  EXPECT_EQ(command("myevents 00000000-0000-0000-0000-000000000000 json"), "-ERR invalid uuid");
}

TEST_F(SessionCommandsTest, MyeventsAttachesALiveSession) {
  EXPECT_EQ(command("myevents " + std::string(kLiveUuid) + " plain"), "+OK Events Enabled");
  EXPECT_EQ(command("myevents " + std::string(kLiveUuid)), "-ERR aready enabled.");
  EXPECT_EQ(command("linger"), "+OK will linger");
  EXPECT_EQ(command("linger 10"), "+OK will linger 10 seconds");
  EXPECT_EQ(command("nolinger"), "+OK will not linger");
  EXPECT_EQ(command("divert_events"), "-ERR missing value.");
  EXPECT_EQ(command("divert_events on"), "+OK events diverted");
  EXPECT_EQ(command("divert_events off"), "+OK events not diverted");
}

TEST_F(SessionCommandsTest, SendmsgQueuesForTheTargetSession) {
  EXPECT_EQ(command("sendmsg " + std::string(kLiveUuid) +
                    "\ncall-command: execute\nexecute-app-name: answer"),
            "+OK");
  ASSERT_EQ(sessions_.messages.size(), 1u);
  const auto& message = sessions_.messages.front();
  ASSERT_TRUE(message.header("execute-app-name"));
  EXPECT_EQ(*message.header("execute-app-name"), "answer");
  EXPECT_EQ(*message.header("call-command"), "execute");
  // Session-ID names the target when the command line has none.
  EXPECT_EQ(command("sendmsg\nSession-ID: " + std::string(kLiveUuid) + "\ncall-command: hangup"),
            "+OK");
  EXPECT_EQ(sessions_.messages.size(), 2u);
  EXPECT_EQ(command("sendmsg " + std::string(kFullUuid) + "\ncall-command: hangup"),
            "-ERR memory error");
  EXPECT_EQ(command("sendmsg 12345\ncall-command: hangup"), "-ERR invalid session id [12345]");
}

TEST_F(SessionCommandsTest, SendmsgWithoutUuidTargetsTheControlledSession) {
  EXPECT_EQ(command("myevents " + std::string(kLiveUuid)), "+OK Events Enabled");
  EXPECT_EQ(command("sendmsg\ncall-command: execute\nexecute-app-name: park"), "+OK");
  EXPECT_EQ(sessions_.messages.size(), 1u);
}

TEST_F(SessionCommandsTest, SendeventWithALiveUniqueIdGoesToThatSession) {
  std::string reply =
      command("sendevent CUSTOM\nEvent-Subclass: test::x\nUnique-ID: " + std::string(kLiveUuid));
  ASSERT_EQ(reply.substr(0, 4), "+OK ");
  ASSERT_EQ(sessions_.events.size(), 1u);
  const auto& event = sessions_.events.front();
  ASSERT_TRUE(event.header("Event-UUID"));
  EXPECT_EQ(*event.header("Event-UUID"), reply.substr(4));
  EXPECT_EQ(event.subclass(), "test::x");
}

// A huge linger saturates at INT_MAX seconds (atoi used to wrap it to another number).
TEST_F(SessionCommandsTest, HugeLingerSaturates) {
  EXPECT_EQ(command("myevents " + std::string(kLiveUuid) + " plain"), "+OK Events Enabled");
  EXPECT_EQ(command("linger 99999999999"), "+OK will linger 2147483647 seconds");
  EXPECT_EQ(command("linger -99999999999"), "+OK will linger -2147483648 seconds");
}

// The exception policy: a throwing command answers -ERR with its text, on the event loop and
// on the worker pool alike, and the connection keeps working.
TEST_F(SessionCommandsTest, ThrowingApiCommandAnswersErrAndTheConnectionGoesOn) {
  core::ApiCommand blocking;
  blocking.name = "test_throw";
  blocking.function = [](std::string_view, std::string&,
                         const core::ApiContext&) -> core::ApiStatus {
    throw std::runtime_error("api broke");
  };
  core::ApiCommand quick = blocking;
  quick.name = "test_throw_quick";
  quick.may_block = false;
  runtime_.api().add(blocking);
  runtime_.api().add(quick);
  for (std::string_view name : {"test_throw", "test_throw_quick"}) {
    asio::write(socket_, asio::buffer("api " + std::string(name) + "\n\n"));
    read_raw();
    EXPECT_EQ(last_.body, "-ERR api broke\n") << name;
  }
  EXPECT_EQ(command("event plain HEARTBEAT"), "+OK event listener enabled plain");
}

TEST_F(SessionCommandsTest, ThrowingBgapiJobCompletesWithErr) {
  core::ApiCommand thrower;
  thrower.name = "test_throw";
  thrower.function = [](std::string_view, std::string&,
                        const core::ApiContext&) -> core::ApiStatus {
    throw std::runtime_error("job broke");
  };
  runtime_.api().add(thrower);
  EXPECT_EQ(command("event plain BACKGROUND_JOB"), "+OK event listener enabled plain");
  EXPECT_EQ(command("bgapi test_throw\nJob-UUID: job-1"), "+OK Job-UUID: job-1");
  read_raw();
  protocol::Message event;
  protocol::MessageParser inner;
  inner.feed(last_.body);
  ASSERT_EQ(inner.next(event), protocol::ParseStatus::kPacket);
  EXPECT_EQ(*event.header("Job-UUID"), "job-1");
  EXPECT_EQ(event.body, "-ERR job broke\n");
  EXPECT_EQ(command("noevents"), "+OK no longer listening for events");
}

// The wrong-password delay comes from past failures and is served to a right password too,
// so the time to answer does not tell whether the password was right.
TEST_F(SessionCommandsTest, AuthDelayAfterAFailureAppliesToTheRightPasswordToo) {
  auto attempt = [&](std::string_view password, std::string* reply) {
    asio::ip::tcp::socket socket(io_);
    socket.connect(server_->local_endpoint());
    protocol::MessageParser parser;
    auto next = [&] {
      protocol::Message message;
      while (parser.next(message) != protocol::ParseStatus::kPacket) {
        char chunk[4096];
        std::size_t n = socket.read_some(asio::buffer(chunk));
        parser.feed(std::string_view(chunk, n));
      }
      return message;
    };
    next();  // auth/request
    auto started = std::chrono::steady_clock::now();
    asio::write(socket, asio::buffer("auth " + std::string(password) + "\n\n"));
    protocol::Message answer = next();
    *reply = *answer.header("Reply-Text");
    return std::chrono::steady_clock::now() - started;
  };
  std::string reply;
  attempt("wrong", &reply);
  EXPECT_EQ(reply, "-ERR invalid");
  auto waited = attempt("ClueCon", &reply);
  EXPECT_EQ(reply, "+OK accepted");
  EXPECT_GE(waited, AuthThrottle::kStep);
  // The success cleared the failures: no delay now.
  waited = attempt("ClueCon", &reply);
  EXPECT_EQ(reply, "+OK accepted");
  EXPECT_LT(waited, AuthThrottle::kStep);
}

}  // namespace
}  // namespace es::eventsocket
