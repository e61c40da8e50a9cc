#include "core/api_registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "core/event_bus.hpp"
#include "core/switch_identity.hpp"

namespace es::core {
namespace {

class Recorder : public EventSubscriber {
 public:
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
      .async_function = [](std::string, const ApiContext&,
                           ApiCompletion) { throw std::runtime_error("async broken"); }});
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

}  // namespace
}  // namespace es::core
