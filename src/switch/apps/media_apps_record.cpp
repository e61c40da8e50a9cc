// record <path> [<time_limit_secs>] [<silence_thresh>] [<silence_hits>] (mod_dptools.c
// record_function, switch_ivr_record_file): what the channel reads goes to a file until
// hangup, the time limit, a terminator digit, silence or a break.
#include <fmt/format.h>

#include <algorithm>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/apps/media_recorder.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// How often the recording loop looks at the clock when nothing wakes it.
constexpr std::int64_t kRecordTickUs = 20000;

std::int64_t unsigned_number(std::string_view text) {
  long long v = text::c_atol(text);
  return v < 0 ? 0 : v;
}

asio::awaitable<void> record_app(Session& s, std::string arg) {
  auto words = text::separate_string(arg, ' ', 4);
  if (arg.empty() || words.empty()) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "No file specified.");
    co_return;
  }
  std::int64_t limit_seconds = 0;
  if (words.size() > 1) {
    std::string_view l = words[1];
    if (!l.empty() && l[0] == '+') l.remove_prefix(1);
    limit_seconds = unsigned_number(l);
  }
  SilenceDetection silence;
  if (words.size() > 2) silence.threshold = static_cast<std::uint32_t>(unsigned_number(words[2]));
  if (silence.threshold) {
    std::int64_t seconds = words.size() > 3 ? unsigned_number(words[3]) : 0;
    if (seconds == 0) seconds = 3;
    silence.hits = core::saturating_mul(seconds, media::kSampleRate) / media::kFrameSamples;
  }
  s.set_variable("playback_terminator_used", "");
  if (!s.ready()) co_return;

  std::string path = recording_path(words[0], s.core().options().recording_dir);
  // A refused path fails the application only (logged); the call goes on.
  if (!s.may_use_file(path, "record")) co_return;
  std::string error;
  auto writer = media::AudioFileWriter::open(path, &error);
  if (!writer) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Error opening {}: {}", path, error);
    s.hangup(cause::kDestinationOutOfOrder);
    co_return;
  }
  s.set_variable("silence_hits_exhausted", "false");
  auto recorder =
      std::make_shared<Recorder>(std::move(writer), s.core().runtime().clock(), silence);
  std::weak_ptr<Session> weak = s.weak_from_this();
  recorder->on_silence = [weak] {
    if (auto session = weak.lock()) session->signal();
  };
  fire_record_start(s, path);
  s.add_frame_consumer(recorder);

  std::int64_t started = s.now_monotonic_us();
  PlayStatus status = PlayStatus::kSuccess;
  for (;;) {
    if (!s.ready()) {
      status = PlayStatus::kFalse;
      break;
    }
    if (s.break_requested.exchange(false)) {
      status = PlayStatus::kBreak;
      break;
    }
    co_await s.process_commands();
    std::int64_t now = s.now_monotonic_us();
    const std::int64_t limit_us = core::saturating_mul(limit_seconds, 1000000);
    if (limit_seconds > 0 && now - started > limit_us) break;
    if (s.has_dtmf()) {
      if (auto digit = s.dequeue_dtmf(); digit && is_playback_terminator(s, digit->digit)) {
        status = PlayStatus::kBreak;
        break;
      }
      continue;
    }
    if (recorder->silence_exhausted()) {
      s.set_variable("silence_hits_exhausted", "true");
      break;
    }
    recorder->tick();
    std::int64_t wake = now + kRecordTickUs;
    if (limit_seconds > 0)
      wake = std::min(wake, core::saturating_add(core::saturating_add(started, limit_us), 1));
    co_await media_wait(s, wake);
  }
  s.remove_frame_consumer(recorder.get());
  recorder->tick();
  std::int64_t samples = recorder->samples_written();
  recorder->close();
  finish_recording_events(s, path, samples);
  if (!s.ready() || (status != PlayStatus::kSuccess && status != PlayStatus::kBreak)) {
    s.hangup(cause::kDestinationOutOfOrder);
  }
}

}  // namespace

void register_record_apps(ApplicationRegistry& r) {
  add_media_app(r, "record", "<path> [<time_limit_secs>] [<silence_thresh>] [<silence_hits>]",
                "Record a file from the channels input", record_app);
}

}  // namespace es::sw
