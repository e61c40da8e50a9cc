#include "eventsocket/write_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace es::eventsocket {
namespace {

// An event whose object is much bigger than its frame: many short headers.
core::FiredEventPtr fat_event(int headers) {
  core::Event event(core::EventType::kCustom, "queue::test");
  for (int i = 0; i < headers; ++i) {
    std::string name = std::to_string(i);
    name.insert(0, 1, 'H');
    event.add_header(name, "v");
  }
  return std::make_shared<const core::FiredEvent>(std::move(event));
}

TEST(WriteQueue, ByteBoundCountsTheWholeEventNotJustItsFrame) {
  WriteQueueLimits limits;
  limits.max_bytes = std::size_t{256} * 1024;
  WriteQueue queue(limits);
  std::size_t accepted = 0;
  std::size_t frame_bytes = 0;
  while (accepted < 10000) {
    auto event = fat_event(500);
    frame_bytes = event->frame(protocol::EventFormat::kPlain).size();
    if (!queue.try_push_event(event, protocol::EventFormat::kPlain)) break;
    ++accepted;
  }
  ASSERT_GT(accepted, 0u);
  // What the queue pins: at least one EventHeader per header of every accepted event.
  std::size_t pinned_at_least = accepted * 500 * sizeof(core::EventHeader);
  EXPECT_LE(pinned_at_least, limits.max_bytes);
  EXPECT_LE(queue.bytes(), limits.max_bytes);
  EXPECT_GT(queue.bytes(), accepted * frame_bytes);
}

TEST(WriteQueue, ItemsBeingWrittenStayCountedUntilWritten) {
  WriteQueue queue(WriteQueueLimits{});
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(queue.try_push_event(fat_event(50), protocol::EventFormat::kPlain));
  }
  queue.push_text("Content-Type: command/reply\nReply-Text: +OK\n\n");
  std::size_t queued = queue.bytes();
  std::vector<WriteQueue::Item> batch;
  queue.take(batch, 256, 1u << 20);
  EXPECT_EQ(batch.size(), 11u);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.events(), 0u);
  EXPECT_EQ(queue.bytes(), queued);  // still pinned by the write in progress
  queue.written(batch);
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(WriteQueue, ADirectWriteConsumesWholeItemsAndKeepsTheRestOfAPartOne) {
  WriteQueue queue(WriteQueueLimits{});
  auto first = fat_event(3);
  auto second = fat_event(4);
  ASSERT_TRUE(queue.try_push_event(first, protocol::EventFormat::kPlain));
  queue.push_text("reply");
  ASSERT_TRUE(queue.try_push_event(second, protocol::EventFormat::kPlain));
  std::string_view first_frame = first->frame(protocol::EventFormat::kPlain);
  std::string_view second_frame = second->frame(protocol::EventFormat::kPlain);

  std::string_view views[8];
  ASSERT_EQ(queue.ready_views(views, 8), 3u);
  EXPECT_EQ(views[0], first_frame);
  EXPECT_EQ(views[1], "reply");
  EXPECT_EQ(queue.ready_views(views, 2), 2u);

  // The socket took the first frame, the reply and 10 bytes of the second frame.
  std::size_t before = queue.bytes();
  EXPECT_EQ(queue.advance(first_frame.size() + 5 + 10), 1u);  // one event written whole
  EXPECT_EQ(queue.events(), 1u);
  EXPECT_LT(queue.bytes(), before);
  ASSERT_EQ(queue.ready_views(views, 8), 1u);
  EXPECT_EQ(views[0], second_frame.substr(10));  // what is left goes out next, from its rest
  EXPECT_EQ(queue.advance(second_frame.size() - 10), 1u);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(WriteQueue, HeldEventsAreNotReadyForADirectWrite) {
  WriteQueue queue(WriteQueueLimits{});
  queue.hold(true);
  ASSERT_TRUE(queue.try_push_event(fat_event(2), protocol::EventFormat::kPlain));
  std::string_view views[4];
  EXPECT_EQ(queue.ready_views(views, 4), 0u);
  queue.hold(false);
  EXPECT_EQ(queue.ready_views(views, 4), 1u);
}

TEST(WriteQueue, DropsAndClearReportWhatTheyUncount) {
  WriteQueue queue(WriteQueueLimits{});
  ASSERT_TRUE(queue.try_push_event(fat_event(20), protocol::EventFormat::kJson));
  queue.push_text("reply");
  std::size_t total = queue.bytes();
  std::size_t events = queue.drop_events();
  EXPECT_GT(events, 0u);
  EXPECT_EQ(queue.bytes(), total - events);
  EXPECT_EQ(queue.clear(), total - events);
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(WriteQueue, FootprintGrowsWithEachFormatSerialized) {
  auto event = fat_event(10);
  std::size_t bare = event->footprint();
  EXPECT_GT(bare, 10 * sizeof(core::EventHeader));
  event->frame(protocol::EventFormat::kPlain);
  std::size_t plain = event->footprint();
  EXPECT_GT(plain, bare + event->frame(protocol::EventFormat::kPlain).size());
  event->frame(protocol::EventFormat::kPlain);  // once only
  EXPECT_EQ(event->footprint(), plain);
  event->frame(protocol::EventFormat::kXml);
  EXPECT_GT(event->footprint(), plain);
}

}  // namespace
}  // namespace es::eventsocket
