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

void MediaHandoff::add_consumer(std::shared_ptr<FrameConsumer> consumer, bool written) {
  if (written) write_consumers_.push_back(consumer);
  consumers_.push_back(std::move(consumer));
}

void MediaHandoff::remove_consumer(const FrameConsumer* consumer) {
  auto same = [&](const auto& c) { return c.get() == consumer; };
  std::erase_if(consumers_, same);
  std::erase_if(write_consumers_, same);
}

void MediaHandoff::add_filter(std::shared_ptr<FrameFilter> filter) {
  filters_.push_back(std::move(filter));
}

void MediaHandoff::remove_filter(const FrameFilter* filter) {
  std::erase_if(filters_, [&](const auto& f) { return f.get() == filter; });
}

}  // namespace es::sw
