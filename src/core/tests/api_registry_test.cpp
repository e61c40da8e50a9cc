#include "core/api_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/event_bus.hpp"
#include "core/switch_identity.hpp"

namespace es::core {
namespace {

class Recorder : public EventSubscriber {
 public:
  using EventSubscriber::on_event;
  void on_event(const FiredEventPtr& event) override { events.push_back(event); }
  std::vector<FiredEventPtr> events;
};

ApiCommand echo_command() {
  return ApiCommand{.name = "echo",
                    .syntax = "<data>",
                    .description = "Echo",
                    .function =
                        [](std::string_view arg, std::string& out, const ApiContext&) {
                          out += std::string("[").append(arg).append("]");
                          return ApiStatus::kSuccess;
                        },
                    .module = "mod_commands"};
}

class ApiRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    identity_.hostname = "host";
    identity_.core_uuid = "core";
    registry_.add(echo_command());
    registry_.add(ApiCommand{.name = "fail",
                             .function = [](std::string_view, std::string& out, const ApiContext&) {
                               out += "partial\n";
                               return ApiStatus::kFailure;
                             }});
  }
  void attach() {
    registry_.attach_events(&bus_, &factory_);
    bus_.subscribe(recorder_);
  }

  SimulatedClock clock_{1700000000000000};
  SwitchIdentity identity_;
  EventFactory factory_{identity_, clock_};
  EventBus bus_;
  std::shared_ptr<Recorder> recorder_ = std::make_shared<Recorder>();
  ApiRegistry registry_;
};

TEST_F(ApiRegistryTest, TrimsNameAndArgumentAndIgnoresCase) {
  ApiResult result = registry_.execute(" \tEcHo\r\n", "\v  hello world \n");
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.status, ApiStatus::kSuccess);
  EXPECT_EQ(result.output, "[hello world]");
}

TEST_F(ApiRegistryTest, UnknownCommand) {
  ApiResult result = registry_.execute("nosuch", "x");
  EXPECT_FALSE(result.found);
  EXPECT_EQ(result.status, ApiStatus::kFailure);
  EXPECT_EQ(result.output, "INVALID COMMAND!\n");
}

TEST_F(ApiRegistryTest, FailingCommandGetsErrorAppended) {
  ApiResult result = registry_.execute("fail", "");
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.status, ApiStatus::kFailure);
  EXPECT_EQ(result.output, "partial\nCOMMAND RETURNED ERROR!\n");
}

TEST_F(ApiRegistryTest, ThrowingCommandAnswersErrWithItsTextAndStillFiresTheApiEvent) {
  attach();
  registry_.add(ApiCommand{
      .name = "throws",
      .function = [](std::string_view, std::string& out, const ApiContext&) -> ApiStatus {
        out += "partial\n";
        throw std::runtime_error("broken command");
      }});
  ApiResult result;
  ASSERT_NO_THROW(result = registry_.execute("throws", ""));
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.output, "-ERR broken command\n");
  EXPECT_EQ(recorder_->events.size(), 1u);
}

TEST_F(ApiRegistryTest, ThrowingAsyncCommandCompletesOnceWithErr) {
  registry_.add(ApiCommand{
      .name = "athrows",
      .function = [](std::string_view, std::string&, const ApiContext&) -> ApiStatus {
        return ApiStatus::kSuccess;
      },
      .async_function = [](const std::string&, const ApiContext&,
                           const ApiCompletion&) { throw std::runtime_error("async broken"); }});
  std::vector<ApiResult> results;
  ASSERT_NO_THROW(registry_.execute_async("athrows", "", {},
                                          [&](ApiResult r) { results.push_back(std::move(r)); }));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].output, "-ERR async broken\n");
}

TEST_F(ApiRegistryTest, ConsoleCompleteIsNotTrimmed) {
  registry_.add(
      ApiCommand{.name = "console_complete",
                 .function = [](std::string_view arg, std::string& out, const ApiContext&) {
                   out += std::string("[").append(arg).append("]");
                   return ApiStatus::kSuccess;
                 }});
  EXPECT_EQ(registry_.execute("console_complete", "  sta ").output, "[  sta ]");
}

TEST_F(ApiRegistryTest, ListIsSortedAndAddReplaces) {
  registry_.add(ApiCommand{.name = "Alpha"});
  auto again = echo_command();
  again.description = "second";
  registry_.add(again);
  auto list = registry_.list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "Alpha");
  EXPECT_EQ(list[1].description, "second");
  EXPECT_TRUE(registry_.exists("ALPHA"));
  EXPECT_FALSE(registry_.exists("beta"));
}

TEST_F(ApiRegistryTest, FiresApiEventAfterTheCommand) {
  attach();
  registry_.execute("echo", " a b ");
  registry_.execute("nosuch", "");
  ASSERT_EQ(recorder_->events.size(), 2u);
  const Event& first = recorder_->events[0]->event();
  EXPECT_EQ(first.type(), EventType::kApi);
  ASSERT_NE(first.header("API-Command"), nullptr);
  EXPECT_EQ(*first.header("API-Command"), "echo");
  ASSERT_NE(first.header("API-Command-Argument"), nullptr);
  EXPECT_EQ(*first.header("API-Command-Argument"), "a b");
  // Unknown commands fire too; an empty argument adds no header.
  const Event& second = recorder_->events[1]->event();
  EXPECT_EQ(*second.header("API-Command"), "nosuch");
  EXPECT_EQ(second.header("API-Command-Argument"), nullptr);
}

TEST_F(ApiRegistryTest, ApiEventNobodyWantsIsNotBuiltButKeepsItsSequenceNumber) {
  registry_.attach_events(&bus_, &factory_);
  auto id = bus_.subscribe(recorder_);
  EventBus::Interest heartbeat_only;
  heartbeat_only.set(static_cast<std::size_t>(EventType::kHeartbeat));
  bus_.set_interest(id, heartbeat_only);
  std::uint64_t before = factory_.last_sequence();
  EXPECT_EQ(registry_.execute("echo", "x").output, "[x]");
  EXPECT_TRUE(recorder_->events.empty());
  EXPECT_EQ(factory_.last_sequence(), before + 1);
  bus_.fire(factory_.create(EventType::kHeartbeat));
  ASSERT_EQ(recorder_->events.size(), 1u);
  EXPECT_EQ(*recorder_->events[0]->event().header("Event-Sequence"), std::to_string(before + 2));
}

TEST_F(ApiRegistryTest, ACommandThatReadsItsApiEventGetsOneWithoutSubscribers) {
  registry_.attach_events(&bus_, &factory_);
  registry_.add(ApiCommand{.name = "own",
                           .function =
                               [](std::string_view, std::string& out, const ApiContext& context) {
                                 const Event* event = context.api_event && *context.api_event
                                                          ? &**context.api_event
                                                          : nullptr;
                                 const std::string* name =
                                     event ? event->header("API-Command") : nullptr;
                                 out += name ? *name : "none";
                                 return ApiStatus::kSuccess;
                               },
                           .reads_api_event = true});
  EXPECT_EQ(registry_.execute("own", "").output, "own");
}

TEST_F(ApiRegistryTest, NestedExecutionSharesAndFiresTheOuterEvent) {
  attach();
  registry_.add(ApiCommand{
      .name = "outer",
      .function = [this](std::string_view arg, std::string& out, const ApiContext& context) {
        out += registry_.execute("echo", arg, context).output;
        return ApiStatus::kSuccess;
      }});
  EXPECT_EQ(registry_.execute("outer", "x").output, "[x]");
  ASSERT_EQ(recorder_->events.size(), 1u);
  std::vector<std::string> names;
  for (const auto& header : recorder_->events[0]->event().headers()) {
    if (header.name.rfind("API-Command", 0) == 0)
      names.push_back(std::string(header.name).append("=").append(header.value));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"API-Command=outer", "API-Command-Argument=x",
                                             "API-Command=echo", "API-Command-Argument=x"}));
}

TEST_F(ApiRegistryTest, ExecuteLineSplitsAtFirstSpace) {
  EXPECT_EQ(registry_.execute_line("echo a  b").output, "[a  b]");
  EXPECT_EQ(registry_.execute_line("echo").output, "[]");
}

TEST_F(ApiRegistryTest, ConsoleSplitsOnDoubleSemicolon) {
  ApiResult result = registry_.execute_console("  echo a;;echo b\nignored;;nosuch");
  EXPECT_EQ(result.output, "[a][b]INVALID COMMAND!\n");
  EXPECT_EQ(result.status, ApiStatus::kFailure);
  EXPECT_FALSE(result.found);
  result = registry_.execute_console("nosuch;;echo z");
  EXPECT_EQ(result.output, "INVALID COMMAND!\n[z]");
  EXPECT_EQ(result.status, ApiStatus::kSuccess);
  // An empty part is an (invalid) empty command.
  EXPECT_EQ(registry_.execute_console("echo a;;;;echo b").output, "[a]INVALID COMMAND!\n[b]");
}

TEST_F(ApiRegistryTest, ConsoleDoesNotSplitAliasLines) {
  registry_.add(ApiCommand{
      .name = "alias", .function = [](std::string_view arg, std::string& out, const ApiContext&) {
        out += std::string("<").append(arg).append(">");
        return ApiStatus::kSuccess;
      }});
  EXPECT_EQ(registry_.execute_console("alias add x echo a;;echo b").output,
            "<add x echo a;;echo b>");
}

TEST_F(ApiRegistryTest, ExpansionCallerReturnsOutputOnlyOnSuccess) {
  ApiCall call = registry_.expansion_caller();
  EXPECT_EQ(call("echo", "q"), "[q]");
  EXPECT_EQ(call("fail", ""), "");
  EXPECT_EQ(call("nosuch", ""), "");
}

TEST_F(ApiRegistryTest, FindIgnoresCaseAndSurroundingSpace) {
  const ApiCommand* echo = registry_.find("echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->name, "echo");
  EXPECT_EQ(registry_.find("ECHO"), echo);
  EXPECT_EQ(registry_.find(" \tEcHo\r\n"), echo);
  EXPECT_TRUE(registry_.exists("eCHO"));
}

TEST_F(ApiRegistryTest, FindUnknownIsNull) {
  EXPECT_EQ(registry_.find("nosuch"), nullptr);
  EXPECT_EQ(registry_.find(""), nullptr);
  EXPECT_EQ(registry_.find("ech"), nullptr);
  EXPECT_EQ(registry_.find("echoo"), nullptr);
  EXPECT_FALSE(registry_.exists("nosuch"));
}

TEST_F(ApiRegistryTest, FlagsComeBackAsDeclared) {
  registry_.add(ApiCommand{.name = "quick", .may_block = false});
  registry_.add(ApiCommand{
      .name = "later",
      .async_function = [](const std::string&, const ApiContext&, const ApiCompletion& done) {
        done(ApiStatus::kSuccess, "+OK later");
      }});
  const ApiCommand* echo = registry_.find("echo");
  const ApiCommand* quick = registry_.find("QUICK");
  const ApiCommand* later = registry_.find("later");
  ASSERT_NE(echo, nullptr);
  ASSERT_NE(quick, nullptr);
  ASSERT_NE(later, nullptr);
  // Undeclared: may block, no asynchronous form.
  EXPECT_TRUE(echo->may_block);
  EXPECT_FALSE(echo->has_async());
  EXPECT_FALSE(quick->may_block);
  EXPECT_FALSE(quick->has_async());
  EXPECT_TRUE(later->may_block);
  EXPECT_TRUE(later->has_async());
  EXPECT_EQ(echo->module, "mod_commands");
}

TEST_F(ApiRegistryTest, ExecuteWithTheFoundEntry) {
  attach();
  const ApiCommand* echo = registry_.find(" EcHo ");
  ApiResult result = registry_.execute(echo, " EcHo ", " x ", {});
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.output, "[x]");
  ApiResult unknown = registry_.execute(nullptr, "nosuch", "", {});
  EXPECT_FALSE(unknown.found);
  EXPECT_EQ(unknown.output, "INVALID COMMAND!\n");
  // The API event names the command as asked, trimmed.
  ASSERT_EQ(recorder_->events.size(), 2u);
  EXPECT_EQ(*recorder_->events[0]->event().header("API-Command"), "EcHo");
  EXPECT_EQ(*recorder_->events[1]->event().header("API-Command"), "nosuch");
}

TEST_F(ApiRegistryTest, AsyncFormRunsFromTheFoundEntry) {
  registry_.add(
      ApiCommand{.name = "later",
                 .function =
                     [](std::string_view, std::string& out, const ApiContext&) {
                       out += "blocking form";
                       return ApiStatus::kSuccess;
                     },
                 .async_function =
                     [](const std::string& arg, const ApiContext&, const ApiCompletion& done) {
                       done(ApiStatus::kSuccess, "async " + arg);
                     }});
  std::vector<std::string> outputs;
  auto keep = [&](ApiResult r) { outputs.push_back(std::move(r.output)); };
  registry_.execute_async(registry_.find("LATER"), "LATER", " a ", {}, keep);
  // Without an asynchronous form the command runs synchronously, and so does an unknown one.
  registry_.execute_async(registry_.find("echo"), "echo", "b", {}, keep);
  registry_.execute_async(nullptr, "nosuch", "", {}, keep);
  EXPECT_EQ(outputs, (std::vector<std::string>{"async a", "[b]", "INVALID COMMAND!\n"}));
}

TEST_F(ApiRegistryTest, ReplacedEntryStaysValidForWhoeverFoundIt) {
  const ApiCommand* before = registry_.find("echo");
  ASSERT_NE(before, nullptr);
  registry_.add(ApiCommand{.name = "ECHO",
                           .description = "replaced",
                           .function =
                               [](std::string_view arg, std::string& out, const ApiContext&) {
                                 out += std::string("<").append(arg).append(">");
                                 return ApiStatus::kSuccess;
                               },
                           .may_block = false});
  const ApiCommand* after = registry_.find("echo");
  ASSERT_NE(after, nullptr);
  EXPECT_NE(after, before);
  EXPECT_EQ(after->description, "replaced");
  EXPECT_FALSE(after->may_block);
  EXPECT_EQ(registry_.execute("echo", "x").output, "<x>");
  // An execution that found the old entry still runs it.
  EXPECT_EQ(before->description, "Echo");
  EXPECT_TRUE(before->may_block);
  EXPECT_EQ(registry_.execute(before, "echo", "x", {}).output, "[x]");
  // One name, one listed command.
  auto list = registry_.list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "ECHO");
  EXPECT_EQ(list[1].name, "fail");
}

TEST_F(ApiRegistryTest, ListSortsIgnoringCase) {
  registry_.add(ApiCommand{.name = "Zulu"});
  registry_.add(ApiCommand{.name = "bravo"});
  registry_.add(ApiCommand{.name = "Echo_2"});
  std::vector<std::string> names;
  for (const auto& command : registry_.list()) names.push_back(command.name);
  EXPECT_EQ(names, (std::vector<std::string>{"bravo", "echo", "Echo_2", "fail", "Zulu"}));
}

// Look-ups run on every event loop while a module load registers commands (run under TSan).
TEST_F(ApiRegistryTest, FindsWhileCommandsAreAdded) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  readers.reserve(2);
  std::atomic<int> found{0};
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      do {
        const ApiCommand* echo = registry_.find("ECHO");
        if (echo && !echo->name.empty()) found.fetch_add(1);
        registry_.execute(echo, "echo", "x", {});
        registry_.find("cmd7");
      } while (!stop.load());
    });
  }
  for (int i = 0; i < 200; ++i) {
    registry_.add(ApiCommand{.name = "cmd" + std::to_string(i % 20), .may_block = i % 2 == 0});
    registry_.add(echo_command());
  }
  stop.store(true);
  for (auto& reader : readers) reader.join();
  EXPECT_GT(found.load(), 0);
  EXPECT_EQ(registry_.list().size(), 22u);
}

}  // namespace
}  // namespace es::core
