#include "switch/dialplan/inline_dialplan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "switch/dialplan/tests/fake_routing_channel.hpp"

namespace es::sw {
namespace {

std::vector<std::string> describe(const Extension& extension) {
  std::vector<std::string> out;
  out.reserve(extension.actions.size());
  for (const DialplanAction& a : extension.actions)
    out.push_back(a.application + "(" + a.data + ")");
  return out;
}

struct InlineCase {
  const char* arg;
  std::vector<std::string> expected;
};

class InlineDialplanTest : public ::testing::TestWithParam<InlineCase> {};

TEST_P(InlineDialplanTest, BuildsActions) {
  testing::FakeRoutingChannel channel;
  auto e = inline_dialplan_hunt(GetParam().arg, channel);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "inline");
  EXPECT_EQ(e->number, "inline");
  EXPECT_EQ(describe(*e), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Items, InlineDialplanTest,
    ::testing::Values(InlineCase{"answer,park", {"answer()", "park()"}},
                      InlineCase{"set:foo=bar,answer,park", {"set(foo=bar)", "answer()", "park()"}},
                      InlineCase{"log:INFO a:b:c", {"log(INFO a:b:c)"}},
                      InlineCase{"  answer,   park", {"answer()", "park()"}},
                      InlineCase{"m:^:set:a=1,2^answer", {"set(a=1,2)", "answer()"}},
                      InlineCase{"set:x='a,b',park", {"set(x=a,b)", "park()"}}));

TEST(InlineDialplan, EmptyArgumentUsesDestination) {
  testing::FakeRoutingChannel channel;
  channel.profile["destination_number"] = "answer,echo";
  auto e = inline_dialplan_hunt("", channel);
  ASSERT_TRUE(e);
  EXPECT_EQ(describe(*e), (std::vector<std::string>{"answer()", "echo()"}));
  channel.profile["destination_number"] = "";
  EXPECT_FALSE(inline_dialplan_hunt("", channel));
}

}  // namespace
}  // namespace es::sw
