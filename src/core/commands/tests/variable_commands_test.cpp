#include "core/commands/tests/command_test_fixture.hpp"
#include "core/event_bus.hpp"

namespace es::core::commands {
namespace {

class VariableCommandsTest : public CommandTest {};

TEST_F(VariableCommandsTest, SetAndGet) {
  EXPECT_EQ(run("global_setvar", "a=1"), "+OK");
  EXPECT_EQ(run("global_getvar", "a"), "1");
  EXPECT_EQ(run("global_getvar", "A"), "1");
  EXPECT_EQ(run("global_getvar", "missing"), "");
  EXPECT_EQ(run("global_setvar", "b = two words "), "+OK");
  EXPECT_EQ(run("global_getvar", ""), "a=1\nb=two words\n");
  EXPECT_EQ(run("global_setvar", "a="), "+OK");
  EXPECT_EQ(run("global_getvar", ""), "b=two words\n");
  EXPECT_EQ(run("global_setvar", ""), "-USAGE: <var>=<value> [=<value2>]\n");
  EXPECT_EQ(run("global_setvar", "=x"), "-USAGE: <var>=<value> [=<value2>]\n");
}

TEST_F(VariableCommandsTest, ConditionalSetAndDisabledReferences) {
  run("global_setvar", "c=old");
  EXPECT_EQ(run("global_setvar", "c=new=other"), "+OK");
  EXPECT_EQ(run("global_getvar", "c"), "old");
  EXPECT_EQ(run("global_setvar", "c=new=old"), "+OK");
  EXPECT_EQ(run("global_getvar", "c"), "new");
  run("global_setvar", "d=${c}");
  EXPECT_EQ(run("global_getvar", "d"), "%{c}");
}

TEST_F(VariableCommandsTest, Eval) {
  run("global_setvar", "a=1");
  EXPECT_EQ(run("eval", "$${a}"), "1");
  EXPECT_EQ(run("eval", "x${a}y ${nothing}z"), "x1y z");
  EXPECT_EQ(run("eval", ""), "");
  EXPECT_EQ(run("eval", "${Event-Name}"), "CHANNEL_DATA");
  EXPECT_EQ(run("eval", "${md5(abc)}"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(run("eval", "uuid:abc"), "");
  EXPECT_EQ(run("eval", "uuid:abc ${a}"), "1");
}

TEST_F(VariableCommandsTest, EvalWithChannelData) {
  channels_.data = [](std::string_view uuid, Event& event) {
    if (uuid != "u1") return false;
    event.add_header("Unique-ID", "u1");
    event.add_header("variable_foo", "bar");
    return true;
  };
  EXPECT_EQ(run("eval", "uuid:u1 ${Unique-ID}/${variable_foo}"), "u1/bar");
  EXPECT_EQ(run("eval", "uuid:u2 [${Unique-ID}]"), "[]");
}

TEST_F(VariableCommandsTest, ApiExpansionCanBeTurnedOff) {
  EXPECT_EQ(run("fsctl", "api_expansion off"), "+OK api_expansion is off \n");
  EXPECT_EQ(run("eval", "${md5(abc)}"), "<API execute Permission Denied>");
}

TEST_F(VariableCommandsTest, Expand) {
  run("global_setvar", "a=abc");
  EXPECT_EQ(run("expand", "md5 ${a}"), "900150983cd24fb0d6963f7d28e17f72");
  // Expansion runs over the API event of this execution.
  EXPECT_EQ(run("expand", "eval ${API-Command}"), "expand");
  EXPECT_EQ(run("expand", ""), "-ERR No input\n");
  EXPECT_EQ(run("expand", "uuid:x"), "-ERR No input\n");
  EXPECT_EQ(run("expand", "nosuch x"), "INVALID COMMAND!\n-ERR Cannot execute command\n");
}

class Recorder : public EventSubscriber {
 public:
  using EventSubscriber::on_event;
  void on_event(const FiredEventPtr& event) override { events.push_back(event); }
  std::vector<FiredEventPtr> events;
};

TEST_F(VariableCommandsTest, ExpandFiresOneSharedApiEvent) {
  auto recorder = std::make_shared<Recorder>();
  rt_.bus().subscribe(recorder);
  run("expand", "md5 x");
  ASSERT_EQ(recorder->events.size(), 1u);
  std::vector<std::string> values;
  for (const auto& header : recorder->events[0]->event().headers()) {
    if (header.name.rfind("API-Command", 0) == 0) values.push_back(header.value);
  }
  EXPECT_EQ(values, (std::vector<std::string>{"expand", "md5 x", "md5", "x"}));
}

}  // namespace
}  // namespace es::core::commands
