// The recorder behind record and uuid_record, and uuid_record's per-session media bugs.
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <vector>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/apps/media_recorder.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

Recorder::Recorder(std::unique_ptr<media::AudioFileWriter> writer, const core::Clock& clock,
                   SilenceDetection silence, RecordLayout layout)
    : clock_(clock),
      layout_(layout),
      silence_(silence),
      silent_left_(silence.hits),
      writer_(std::move(writer)),
      covered_until_us_(clock.now_monotonic_us()),
      last_arrival_us_(covered_until_us_) {}

void Recorder::consume(const media::Frame& frame) {
  std::lock_guard lock(mutex_);
  if (!writer_) return;
  if (layout_.stereo) {
    if (layout_.read) arrive_stereo(pending_read_, frame);
    return;
  }
  if (layout_.read) arrive(frame);
}

void Recorder::consume_written(const media::Frame& frame) {
  std::lock_guard lock(mutex_);
  if (!writer_ || !layout_.write) return;
  if (layout_.stereo) {
    arrive_stereo(pending_written_, frame);
  } else if (!layout_.read) {
    arrive(frame);
  }
}

void Recorder::arrive(const media::Frame& frame) {
  std::int64_t now = clock_.now_monotonic_us();
  if (now - last_arrival_us_ > kJitterAllowanceUs) pad_until(now);
  write(frame, false);
  last_arrival_us_ = now;
}

void Recorder::arrive_stereo(std::deque<media::Frame>& side, const media::Frame& frame) {
  std::int64_t now = clock_.now_monotonic_us();
  if (now - last_arrival_us_ > kJitterAllowanceUs) {
    drain(true);
    pad_until(now);
  }
  if (side.size() >= kMaxPendingFrames) side.pop_front();
  side.push_back(frame);
  last_arrival_us_ = now;
  drain(false);
}

void Recorder::drain(bool all) {
  static const media::Frame kSilence{};
  auto take = [](std::deque<media::Frame>& q) {
    media::Frame f = q.empty() ? kSilence : q.front();
    if (!q.empty()) q.pop_front();
    return f;
  };
  while (!pending_read_.empty() && !pending_written_.empty()) {
    media::Frame left = take(pending_read_);
    write_pair(left, take(pending_written_));
  }
  // One side alone: it waits for its partner up to kPairingLagFrames (or not at all when the
  // stream pauses or ends), then goes out beside silence.
  const std::size_t keep = all ? 0 : kPairingLagFrames;
  while (pending_read_.size() > keep || pending_written_.size() > keep) {
    media::Frame left = take(pending_read_);
    write_pair(left, take(pending_written_));
  }
}

void Recorder::tick() {
  std::lock_guard lock(mutex_);
  if (!writer_) return;
  std::int64_t now = clock_.now_monotonic_us();
  if (now - last_arrival_us_ > kJitterAllowanceUs) {
    if (layout_.stereo) drain(true);
    pad_until(now);
  }
}

void Recorder::close() {
  std::lock_guard lock(mutex_);
  if (writer_ && layout_.stereo) drain(true);
  writer_.reset();
}

std::int64_t Recorder::samples_written() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

void Recorder::pad_until(std::int64_t now_us) {
  static const media::Frame kSilence{};
  while (now_us - covered_until_us_ >= kFrameUs) {
    if (layout_.stereo) {
      write_pair(kSilence, kSilence);
    } else {
      write(kSilence, true);
    }
  }
}

void Recorder::write_pair(const media::Frame& read, const media::Frame& written) {
  covered_until_us_ += kFrameUs;
  if (paused_.load()) return;
  static const media::Frame kSilence{};
  if (masked_.load()) {
    writer_->write(kSilence, kSilence);
  } else if (layout_.swap) {
    writer_->write(written, read);
  } else {
    writer_->write(read, written);
  }
  samples_ += media::kFrameSamples;
}

void Recorder::write(const media::Frame& frame, bool silent) {
  covered_until_us_ += kFrameUs;
  if (paused_.load()) return;
  static const media::Frame kSilence{};
  writer_->write(masked_.load() ? kSilence : frame);
  samples_ += media::kFrameSamples;
  if (silence_.threshold == 0 || silence_exhausted_.load()) return;
  std::int64_t energy = 0;
  if (!silent) {
    for (std::int16_t v : frame.samples) energy += std::abs(static_cast<int>(v));
  }
  if (energy / media::kFrameSamples < silence_.threshold) {
    if (--silent_left_ <= 0) {
      silence_exhausted_ = true;
      if (on_silence) on_silence();
    }
  } else {
    silent_left_ = silence_.hits;
  }
}

std::string recording_path(std::string_view path, const std::string& recording_dir) {
  if (path.empty() || path[0] == '/' || recording_dir.empty()) return std::string(path);
  return recording_dir + "/" + std::string(path);
}

void fire_record_start(Session& s, const std::string& path) {
  core::Event event = s.create_event(core::EventType::kRecordStart);
  s.add_event_data(event);
  event.add_header("Record-File-Path", path);
  s.fire_event(std::move(event));
}

void finish_recording_events(Session& s, const std::string& path, std::int64_t samples) {
  s.set_variable("record_seconds", std::to_string(samples / media::kSampleRate));
  s.set_variable("record_ms", std::to_string(samples / media::kSamplesPerMs));
  s.set_variable("record_samples", std::to_string(samples));
  core::Event event = s.create_event(core::EventType::kRecordStop);
  s.add_event_data(event);
  event.add_header("Record-File-Path", path);
  s.fire_event(std::move(event));
}

namespace session_recording {
namespace {

constexpr std::int64_t kTickUs = 100000;

struct Bug {
  std::weak_ptr<Session> session;
  std::string name;  // the path as given: how stop/mask find it
  std::string path;  // where it is written
  std::shared_ptr<Recorder> recorder;
  std::int64_t deadline_us = -1;
  std::atomic<bool> done{false};
};
using BugPtr = std::shared_ptr<Bug>;

std::mutex g_mutex;
std::map<const Session*, std::vector<BugPtr>> g_bugs;

std::vector<BugPtr> find(const Session& s, const std::string& name, bool all_allowed) {
  std::lock_guard lock(g_mutex);
  std::vector<BugPtr> out;
  auto it = g_bugs.find(&s);
  if (it == g_bugs.end()) return out;
  for (const auto& bug : it->second) {
    if ((all_allowed && name == "all") || bug->name == name) out.push_back(bug);
  }
  return out;
}

void finish(const BugPtr& bug, Session* s) {
  if (bug->done.exchange(true)) return;
  {
    std::lock_guard lock(g_mutex);
    for (auto it = g_bugs.begin(); it != g_bugs.end(); ++it) {
      if (std::erase(it->second, bug) == 0) continue;
      if (it->second.empty()) g_bugs.erase(it);
      break;
    }
  }
  if (s) s->remove_frame_consumer(bug->recorder.get());
  bug->recorder->close();  // first: a stereo recording writes its waiting frames on close
  std::int64_t samples = bug->recorder->samples_written();
  if (s) finish_recording_events(*s, bug->path, samples);
}

void schedule(core::Timers& timers, std::int64_t at, const BugPtr& bug) {
  timers.call_at(at, [bug] {
    if (bug->done.load()) return;
    SessionPtr s = bug->session.lock();
    if (!s) {
      finish(bug, nullptr);
      return;
    }
    std::int64_t now = s->now_monotonic_us();
    if (!s->up() || (bug->deadline_us >= 0 && now >= bug->deadline_us)) {
      finish(bug, s.get());
      return;
    }
    bug->recorder->tick();
    schedule(s->core().timers(), now + kTickUs, bug);
  });
}

}  // namespace

bool start(Session& s, const std::string& path, std::int64_t limit_seconds) {
  if (!s.up()) return false;
  auto bug = std::make_shared<Bug>();
  bug->session = s.weak_from_this();
  bug->name = path;
  bug->path = recording_path(path, s.core().options().recording_dir);
  if (!s.may_use_file(bug->path, "record")) return false;
  std::string error;
  RecordLayout layout = layout_for(s);
  auto writer = media::AudioFileWriter::open(bug->path, &error, layout.stereo ? 2 : 1);
  if (!writer) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Error opening {}: {}", bug->path,
           error);
    return false;
  }
  bug->recorder = std::make_shared<Recorder>(std::move(writer), s.core().runtime().clock(),
                                             SilenceDetection(), layout);
  std::int64_t now = s.now_monotonic_us();
  if (limit_seconds > 0)
    bug->deadline_us = core::saturating_add(now, core::saturating_mul(limit_seconds, 1000000));
  {
    std::lock_guard lock(g_mutex);
    g_bugs[&s].push_back(bug);
  }
  s.add_frame_consumer(bug->recorder, bug->recorder->wants_written());
  fire_record_start(s, bug->path);
  schedule(s.core().timers(), now + kTickUs, bug);
  return true;
}

RecordLayout layout_for(const Session& s) {
  RecordLayout layout;
  // Read only unless told otherwise (FreeSWITCH's mono default mixes both directions; see
  // docs/api-behaviour.md §3). READ_ONLY is looked at last and wins over WRITE_ONLY.
  if (s.variable_true("RECORD_WRITE_ONLY")) {
    layout.read = false;
    layout.write = true;
  }
  if (s.variable_true("RECORD_READ_ONLY")) {
    layout.read = true;
    layout.write = false;
  }
  const bool stereo = s.variable_true("RECORD_STEREO");
  const bool swap = s.variable_true("RECORD_STEREO_SWAP");
  if (stereo || swap) {
    layout.stereo = true;
    layout.swap = swap;
    // Neither *_ONLY: both sides, one per channel.
    if (!s.variable_true("RECORD_WRITE_ONLY") && !s.variable_true("RECORD_READ_ONLY"))
      layout.write = true;
  }
  return layout;
}

bool stop(Session& s, const std::string& path) {
  auto bugs = find(s, path, true);
  for (const auto& bug : bugs) finish(bug, &s);
  return !bugs.empty();
}

bool mask(Session& s, const std::string& path, bool on) {
  auto bugs = find(s, path, false);
  for (const auto& bug : bugs) bug->recorder->set_masked(on);
  return !bugs.empty();
}

bool pause(Session& s, const std::string& path, bool on) {
  auto bugs = find(s, path, false);
  for (const auto& bug : bugs) bug->recorder->set_paused(on);
  return !bugs.empty();
}

}  // namespace session_recording
}  // namespace es::sw
