#include "core/event_type.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace es::core {
namespace {

TEST(EventType, NamesFollowEnumNumbering) {
  EXPECT_EQ(event_type_name(EventType::kCustom), "CUSTOM");
  EXPECT_EQ(event_type_name(EventType::kClone), "CLONE");
  EXPECT_EQ(static_cast<int>(EventType::kChannelUuid), 22);
  EXPECT_EQ(event_type_name(EventType::kChannelUuid), "CHANNEL_UUID");
  EXPECT_EQ(static_cast<int>(EventType::kBackgroundJob), 46);
  EXPECT_EQ(event_type_name(EventType::kBackgroundJob), "BACKGROUND_JOB");
  EXPECT_EQ(static_cast<int>(EventType::kHeartbeat), 50);
  EXPECT_EQ(event_type_name(EventType::kHeartbeat), "HEARTBEAT");
  EXPECT_EQ(event_type_name(EventType::kReloadxml), "RELOADXML");
  EXPECT_EQ(static_cast<int>(EventType::kRequestParams), 62);
  EXPECT_EQ(event_type_name(EventType::kRequestParams), "REQUEST_PARAMS");
  EXPECT_EQ(event_type_name(EventType::kCertReload), "CERT_RELOAD");
  EXPECT_EQ(static_cast<int>(EventType::kAll), 93);
  EXPECT_EQ(event_type_name(EventType::kAll), "ALL");
  EXPECT_EQ(kEventTypeCount, 94);
}

TEST(EventType, EveryNameIsDistinctAndRoundTrips) {
  std::set<std::string> seen;
  for (int i = 0; i < kEventTypeCount; ++i) {
    const auto type = static_cast<EventType>(i);
    const std::string name(event_type_name(type));
    ASSERT_FALSE(name.empty()) << i;
    EXPECT_TRUE(seen.insert(name).second) << name;
    EXPECT_EQ(event_type_from_name(name), type) << name;
  }
}

TEST(EventType, LookupIsCaseInsensitive) {
  EXPECT_EQ(event_type_from_name("heartbeat"), EventType::kHeartbeat);
  EXPECT_EQ(event_type_from_name("Channel_Create"), EventType::kChannelCreate);
  EXPECT_EQ(event_type_from_name("all"), EventType::kAll);
  EXPECT_EQ(event_type_from_name("clone"), EventType::kClone);
}

TEST(EventType, LongNamesAlsoMatchAfterTheirFirstThirteenCharacters) {
  EXPECT_EQ(event_type_from_name("SWITCH_EVENT_HEARTBEAT"), EventType::kHeartbeat);
  EXPECT_EQ(event_type_from_name("switch_event_channel_answer"), EventType::kChannelAnswer);
  EXPECT_EQ(event_type_from_name("0123456789abcAPI"), EventType::kApi);  // any 13 characters
  // Exactly 13 characters: no tail to try.
  EXPECT_EQ(event_type_from_name("SWITCH_EVENT_"), std::nullopt);
}

TEST(EventType, UnknownNamesDoNotMatch) {
  EXPECT_EQ(event_type_from_name(""), std::nullopt);
  EXPECT_EQ(event_type_from_name("HEARTBEATS"), std::nullopt);
  EXPECT_EQ(event_type_from_name("SWITCH_EVENT_NOPE"), std::nullopt);
  EXPECT_EQ(event_type_from_name("CHANNEL"), std::nullopt);
}

TEST(EventType, FullNameAndTailBothChecked) {
  // "CHANNEL_EXECUTE_COMPLETE" is 24 characters; its tail "_COMPLETE" names nothing, so the
  // full-name match applies.
  EXPECT_EQ(event_type_from_name("CHANNEL_EXECUTE_COMPLETE"), EventType::kChannelExecuteComplete);
  // Thirteen arbitrary characters followed by a name select that name.
  EXPECT_EQ(event_type_from_name("XXXXXXXXXXXXXCHANNEL_STATE"), EventType::kChannelState);
}

}  // namespace
}  // namespace es::core
