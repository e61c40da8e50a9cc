#include "client/event_sequences.hpp"

#include <gtest/gtest.h>

namespace es::client {
namespace {

Event numbered(const std::string& core, std::uint64_t sequence) {
  return Event{
      {{"Event-Name", "CUSTOM"}, {"Core-UUID", core}, {"Event-Sequence", std::to_string(sequence)}},
      {}};
}

TEST(EventSequences, ReplayedEventsAlreadySeenLiveAreDroppedOnce) {
  EventSequences sequences;
  EXPECT_TRUE(sequences.note(numbered("A", 10)));
  EXPECT_TRUE(sequences.note(numbered("B", 3)));
  sequences.mark_reconnect();
  EXPECT_EQ(sequences.positions(),
            (std::vector<std::pair<std::string, std::uint64_t>>{{"A", 10}, {"B", 3}}));
  // Live after the resubscription, then the replay of 11..14.
  EXPECT_TRUE(sequences.note(numbered("A", 14)));
  EXPECT_TRUE(sequences.note(numbered("A", 11)));
  EXPECT_TRUE(sequences.note(numbered("A", 12)));
  EXPECT_TRUE(sequences.note(numbered("A", 13)));
  EXPECT_FALSE(sequences.note(numbered("A", 14)));
  EXPECT_FALSE(sequences.note(numbered("A", 10)));
  EXPECT_TRUE(sequences.note(Event{{{"Event-Name", "CUSTOM"}}, {}}));
  EXPECT_TRUE(sequences.note(Event{{{"Core-UUID", "A"}, {"Event-Sequence", "x"}}, {}}));
}

TEST(EventSequences, ParsesTheReplayReply) {
  auto counts = parse_replay_reply("+OK replayed 3 lost 13");
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->first, 3u);
  EXPECT_EQ(counts->second, 13u);
  EXPECT_FALSE(parse_replay_reply("-ERR command not found"));
  EXPECT_FALSE(parse_replay_reply("+OK replayed x lost 1"));
  EXPECT_FALSE(parse_replay_reply("+OK replayed 1"));
}

}  // namespace
}  // namespace es::client
