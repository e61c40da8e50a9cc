#include "switch/session/media_handoff.hpp"

namespace es::sw {

namespace {
thread_local int nesting = 0;
}  // namespace

MediaHandoff::NestingGuard::NestingGuard() : entered_(nesting < kMaxNesting) {
  if (entered_) ++nesting;
}

MediaHandoff::NestingGuard::~NestingGuard() {
  if (entered_) --nesting;
}

void MediaHandoff::add_consumer(std::shared_ptr<FrameConsumer> consumer) {
  consumers_.push_back(std::move(consumer));
}

void MediaHandoff::remove_consumer(const FrameConsumer* consumer) {
  std::erase_if(consumers_, [&](const auto& c) { return c.get() == consumer; });
}

}  // namespace es::sw
