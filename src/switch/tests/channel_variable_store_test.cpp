#include "switch/session/channel_variable_store.hpp"

#include <gtest/gtest.h>

namespace es::sw {
namespace {

TEST(ChannelVariableStore, InnermostScopeThenChannel) {
  ChannelVariableStore store;
  store.set("color", "red");
  store.set("size", "big");
  EXPECT_EQ(*store.lookup("COLOR"), "red");
  store.push_scope({{"color", "green"}});
  store.push_scope({{"Color", "blue"}});
  EXPECT_EQ(*store.lookup("color"), "blue");
  EXPECT_EQ(*store.lookup("size"), "big");
  // find() sees the channel's variables only.
  EXPECT_EQ(*store.find("color"), "red");
  store.pop_scope();
  EXPECT_EQ(*store.lookup("color"), "green");
  store.pop_scope();
  store.pop_scope();  // none left
  EXPECT_EQ(*store.lookup("color"), "red");
  EXPECT_EQ(store.lookup("absent"), nullptr);
}

TEST(ChannelVariableStore, SetAndPushAreTheChannelVariables) {
  ChannelVariableStore store;
  store.push("list", "a", false);
  store.push("list", "b", false);
  store.push("list", "z", true);
  EXPECT_EQ(*store.find("list"), "ARRAY::z|:a|:b");
  store.set("list", "");
  EXPECT_TRUE(store.list().empty());
}

TEST(ChannelVariableStore, EventHeaders) {
  ChannelVariableStore store;
  store.set("a", "1");
  store.set("b", "2");
  store.push_scope({{"s", "outer"}, {"t", "outer"}});
  store.push_scope({{"s", "inner"}});
  core::Event event(core::EventType::kCustom);
  event.add_header("scope_variable_t", "already");
  store.add_event_headers(event);
  EXPECT_EQ(*event.header("scope_variable_s"), "inner");
  EXPECT_EQ(*event.header("scope_variable_t"), "already");
  EXPECT_EQ(*event.header("variable_a"), "1");
  EXPECT_EQ(*event.header("variable_b"), "2");
  // Channel variables keep their order after the scoped ones.
  const auto& headers = event.headers();
  ASSERT_GE(headers.size(), 2u);
  EXPECT_EQ(headers[headers.size() - 2].name, "variable_a");
  EXPECT_EQ(headers.back().name, "variable_b");
}

}  // namespace
}  // namespace es::sw
