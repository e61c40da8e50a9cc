#include "core/global_vars.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "core/clock.hpp"
#include "core/log_bus.hpp"

namespace es::core {
namespace {

TEST(GlobalVarsTest, CaseInsensitiveOrderedAndUnsetByEmpty) {
  GlobalVars vars;
  vars.set("Alpha", "1");
  vars.set("beta", "2");
  EXPECT_EQ(vars.get("ALPHA"), "1");
  vars.set("alpha", "3");  // replaces and moves to the end, with the new spelling
  auto ordered = vars.ordered();
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(ordered[0], (std::pair<std::string, std::string>{"beta", "2"}));
  EXPECT_EQ(ordered[1], (std::pair<std::string, std::string>{"alpha", "3"}));
  vars.set("BETA", "");
  EXPECT_FALSE(vars.get("beta"));
  EXPECT_EQ(vars.snapshot().size(), 1u);
}

TEST(GlobalVarsTest, StoredReferencesAreDisabled) {
  GlobalVars vars;
  vars.set("a", "x${y}z$\\{w}$$");
  EXPECT_EQ(vars.get("a"), "x%{y}z%\\{w}$$");
}

TEST(GlobalVarsTest, ConditionalSet) {
  GlobalVars vars;
  EXPECT_FALSE(vars.set_conditional("a", "1", "old"));  // unset, expectation given
  EXPECT_TRUE(vars.set_conditional("a", "1", ""));      // unset, no expectation
  EXPECT_FALSE(vars.set_conditional("a", "2", "x"));
  EXPECT_EQ(vars.get("a"), "1");
  EXPECT_TRUE(vars.set_conditional("a", "2", "1"));
  EXPECT_EQ(vars.get("a"), "2");
  EXPECT_TRUE(vars.set_conditional("a", "", "2"));
  EXPECT_FALSE(vars.get("a"));
}

class ExpandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    globals.set("name", "World");
    globals.set("num", "0123456789");
    globals.set("inner", "name");
  }
  std::string event_expand(std::string_view text) {
    ExpansionScope scope;
    scope.lookup = [](std::string_view name, int index) -> std::optional<std::string> {
      if (name == "Header" && index < 0) return "from-header";
      if (name == "name" && index < 0) return "header-name";
      if (name == "arr" && index == 1) return "second";
      return std::nullopt;
    };
    scope.api = [](std::string_view cmd, std::string_view arg) {
      std::string out = "<";
      out.append(cmd).append("|").append(arg).append(">");
      return out;
    };
    return expand_variables(text, globals, scope);
  }
  GlobalVars globals;
};

TEST_F(ExpandTest, PlainTextIsUnchanged) {
  EXPECT_EQ(expand_variables("no vars here", globals), "no vars here");
  // Without ${ or escaped data even backslashes stay.
  EXPECT_EQ(expand_variables("a\\$b", globals), "a\\$b");
  EXPECT_EQ(expand_variables("", globals), "");
}

TEST_F(ExpandTest, GlobalsAndUnsetVariables) {
  EXPECT_EQ(expand_variables("Hello ${name}!", globals), "Hello World!");
  EXPECT_EQ(expand_variables("Hello $${name}!", globals), "Hello World!");
  EXPECT_EQ(expand_variables("[${missing}]", globals), "[]");
  EXPECT_EQ(expand_variables("${name}${name}", globals), "WorldWorld");
}

TEST_F(ExpandTest, Substrings) {
  EXPECT_EQ(expand_variables("${num:2}", globals), "23456789");
  EXPECT_EQ(expand_variables("${num:2:3}", globals), "234");
  EXPECT_EQ(expand_variables("${num:-3}", globals), "789");
  EXPECT_EQ(expand_variables("${num:-20}", globals), "0123456789");
  EXPECT_EQ(expand_variables("${num:20}", globals), "");
  EXPECT_EQ(expand_variables("${num:0:4}", globals), "0123");
}

TEST_F(ExpandTest, NestedNames) {
  EXPECT_EQ(expand_variables("${${inner}}", globals), "World");
}

TEST_F(ExpandTest, EventModeLookupOrder) {
  EXPECT_EQ(event_expand("${Header}"), "from-header");
  EXPECT_EQ(event_expand("${name}"), "header-name");  // header first
  EXPECT_EQ(event_expand("$${name}"), "World");       // $${} reads only globals
  EXPECT_EQ(event_expand("${arr[1]}"), "second");
}

TEST_F(ExpandTest, ApiForms) {
  EXPECT_EQ(event_expand("${echo(a b)}"), "<echo|a b>");
  EXPECT_EQ(event_expand("${echo a b}"), "<echo|a b>");
  EXPECT_EQ(event_expand("x${create_uuid()}y"), "x<create_uuid|>y");
  EXPECT_EQ(event_expand("${echo(${name})}"), "<echo|header-name>");
  // Parentheses nest; with the space form the first matched ')' still ends the argument.
  EXPECT_EQ(event_expand("${echo(f(x))}"), "<echo|f(x)>");
  EXPECT_EQ(event_expand("${echo a(b)c}"), "<echo|a(b>");
}

TEST_F(ExpandTest, ApiExpansionDisabled) {
  ExpansionScope scope;
  scope.api_enabled = false;
  EXPECT_EQ(expand_variables("${echo(x)}", globals, scope), "<API execute Permission Denied>");
  scope.channel_mode = true;
  EXPECT_EQ(expand_variables("${echo(x)}", globals, scope), "<API Execute Permission Denied>");
}

TEST_F(ExpandTest, Escapes) {
  EXPECT_EQ(expand_variables("\\${name} ${name}", globals), "${name} World");
  EXPECT_EQ(expand_variables("a\\\\b ${name}", globals), "a\\b World");
  // \' vanishes entirely; a lone "$" or "$$x" loses a dollar.
  EXPECT_EQ(expand_variables("it\\'s ${name}", globals), "its World");
  EXPECT_EQ(expand_variables("$$x ${name} $", globals), "$x World $");
  // The character right after '}' is copied raw, so an escape there is not processed.
  EXPECT_EQ(expand_variables("${name}\\\\", globals), "World\\\\");
}

TEST_F(ExpandTest, UnterminatedReferenceTakesTheRest) {
  EXPECT_EQ(expand_variables("x${name", globals), "xWorld");
}

TEST_F(ExpandTest, GlobalValuesAreExpandedAgainInEventMode) {
  ExpansionScope scope;
  scope.lookup = [](std::string_view name, int) -> std::optional<std::string> {
    if (name == "h") return "${name}";
    return std::nullopt;
  };
  globals.set("g", "plain");
  // Header values are not expanded again.
  EXPECT_EQ(expand_variables("${h}", globals, scope), "${name}");
  scope.channel_mode = true;
  EXPECT_EQ(expand_variables("${h}", globals, scope), "");  // channel lookup says nothing of name
}

TEST_F(ExpandTest, ChannelModeUsesLookupForBothForms) {
  ExpansionScope scope;
  scope.channel_mode = true;
  scope.lookup = [](std::string_view name, int) -> std::optional<std::string> {
    if (name == "v") return "chan";
    if (name == "w") return "${v}!";
    return std::nullopt;
  };
  EXPECT_EQ(expand_variables("${v} $${v} ${w} ${name}", globals, scope), "chan chan chan! ");
}

TEST_F(ExpandTest, NameOnlyLookupOverload) {
  VarLookup lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "a") return "A";
    return std::nullopt;
  };
  EXPECT_EQ(expand_variables("${a}${name}", globals, lookup), "AWorld");
}

// Collects the log lines written while expanding.
class LineCollector : public LogSink {
 public:
  void on_log(const LogLinePtr& line) override { lines.push_back(line->message); }
  std::vector<std::string> lines;
};

class ExpansionBudgetTest : public ExpandTest {
 protected:
  ExpansionBudgetTest() : clock_(0), log_(clock_), sink_(std::make_shared<LineCollector>()) {
    log_.add_sink(sink_);
    scope_.channel_mode = true;
    scope_.log = &log_;
    scope_.session_uuid = "u-1";
    scope_.lookup = [this](std::string_view name, int) -> std::optional<std::string> {
      if (auto it = channel_.find(std::string(name)); it != channel_.end()) return it->second;
      return std::nullopt;
    };
  }
  std::string expand(std::string_view text) { return expand_variables(text, globals, scope_); }

  SimulatedClock clock_;
  LogBus log_;
  std::shared_ptr<LineCollector> sink_;
  ExpansionScope scope_;
  std::map<std::string, std::string> channel_;
};

TEST_F(ExpansionBudgetTest, SelfDoublingVariableEndsEmptyWithOneLogLine) {
  // 2^100 references without a budget.
  channel_["a"] = "${a}${a}";
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(expand("x${a}y"), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(sink_->lines.size(), 1u);
  EXPECT_NE(sink_->lines[0].find("variable expansion refused"), std::string::npos);
  // A plain reference chain of the same depth still expands (depth, not work, ends it).
  channel_["b"] = "${b}";
  EXPECT_EQ(expand("x${b}y"), "x${b}y");
  // The budget is per expansion: the next one starts afresh.
  channel_["c"] = "ok";
  EXPECT_EQ(expand("${c}"), "ok");
  EXPECT_EQ(sink_->lines.size(), 1u);
}

TEST_F(ExpansionBudgetTest, OutputBytesAreBounded) {
  channel_["big"] = std::string(1 << 20, 'x');
  std::string sixteen;
  for (int i = 0; i < 16; ++i) sixteen += "${big}";
  channel_["many"] = sixteen;
  // 16 MiB at the inner level alone passes the bound once the outer level's copy counts.
  EXPECT_EQ(expand("${many}"), "");
  EXPECT_EQ(expand("${big}${big}").size(), 2u << 20);
  EXPECT_EQ(sink_->lines.size(), 1u);
}

TEST_F(ExpansionBudgetTest, StepsAreBounded) {
  std::string references;
  for (std::size_t i = 0; i < kExpansionMaxSteps; ++i) references += "${s}";
  channel_["s"] = "1";
  EXPECT_EQ(expand(references).size(), kExpansionMaxSteps);
  EXPECT_EQ(expand(references + "${s}"), "");
}

TEST_F(ExpansionBudgetTest, NestedExpansionsThroughApiCallsShareTheBudget) {
  // An API that runs an expansion of its own, as ${eval ...} and ${expand ...} do; here it
  // calls itself twice, so without one shared depth and budget it recurses until the stack
  // ends.
  scope_.api = [this](std::string_view, std::string_view) { return expand("${y}${y}"); };
  channel_["y"] = "${e()}";
  EXPECT_EQ(expand("${y}"), "");
  EXPECT_EQ(sink_->lines.size(), 1u);
}

}  // namespace
}  // namespace es::core
