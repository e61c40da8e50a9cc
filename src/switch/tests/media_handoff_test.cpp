#include "switch/session/media_handoff.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>

namespace es::sw {
namespace {

class CountingConsumer final : public FrameConsumer {
 public:
  void consume(const media::Frame&) override { ++frames; }
  int frames = 0;
};

TEST(MediaHandoff, ConsumersAddedAndRemoved) {
  MediaHandoff media;
  auto first = std::make_shared<CountingConsumer>();
  auto second = std::make_shared<CountingConsumer>();
  media.add_consumer(first);
  media.add_consumer(second);
  auto snapshot = media.consumers();
  ASSERT_EQ(snapshot.size(), 2u);
  media.remove_consumer(first.get());
  ASSERT_EQ(media.consumers().size(), 1u);
  EXPECT_EQ(media.consumers()[0], second);
  // The earlier copy still holds both.
  media::Frame frame;
  for (auto& c : snapshot) c->consume(frame);
  EXPECT_EQ(first->frames, 1);
  EXPECT_EQ(second->frames, 1);
}

TEST(MediaHandoff, Echo) {
  MediaHandoff media;
  EXPECT_FALSE(media.echo());
  media.set_echo(true);
  EXPECT_TRUE(media.echo());
}

TEST(MediaHandoff, NestingIsBounded) {
  // A hand-off that hands off again, as two echoing legs would, forever.
  int entered = 0;
  std::function<void()> hand_off = [&] {
    MediaHandoff::NestingGuard nesting;
    if (nesting.too_deep()) return;
    ++entered;
    hand_off();
  };
  hand_off();
  EXPECT_EQ(entered, MediaHandoff::kMaxNesting);
  // Every guard was released: the next frame gets the full depth again.
  entered = 0;
  hand_off();
  EXPECT_EQ(entered, MediaHandoff::kMaxNesting);
}

}  // namespace
}  // namespace es::sw
