// playback, endless_playback, loop_playback, gentones and echo (mod_dptools.c), with the
// pacing loop of switch_ivr_play_file: one 20 ms frame per frame time of the switch clock,
// at absolute deadlines so a late wake-up catches up instead of drifting. Its say: prefix is
// spoken by speak_text (media_apps_speak.cpp).
#include <fmt/format.h>

#include <cstdlib>

#include "core/log_bus.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/media/tone_source.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// A late session resumes the schedule from now rather than bursting out a long backlog.
constexpr std::int64_t kMaxBacklogUs = 500000;

bool is_stream(std::string_view file) {
  return file.find("://") != std::string_view::npos;
}

// The path the PLAYBACK events name: streams as given, relative files under the prefix.
std::string shown_path(Session& s, std::string_view file) {
  if (is_stream(file) || file.empty() || file[0] == '/' || file[0] == '{') return std::string(file);
  std::string prefix = sound_prefix(s);
  if (prefix.empty()) return std::string(file);
  return prefix + "/" + std::string(file);
}

void add_file_headers(core::Event& event, std::string_view file, const std::string& path) {
  if (protocol::istarts_with(file, "local_stream:"))
    event.add_header("Playback-File-Type", "local_stream");
  if (protocol::istarts_with(file, "tone_stream:"))
    event.add_header("Playback-File-Type", "tone_stream");
  event.add_header("Playback-File-Path", path);
}

// The frame loop shared by files and tone scripts. `frames` counts what was written.
asio::awaitable<PlayOutcome> pace_source(Session& s, media::AudioSource& source, DigitMode mode,
                                         std::int64_t& frames) {
  PlayOutcome outcome;
  std::int64_t start = s.now_monotonic_us();
  std::int64_t due = 0;  // frames whose time has come, counted from `start`
  media::Frame frame;
  for (;;) {
    if (!s.ready()) {
      outcome.status = PlayStatus::kFalse;
      break;
    }
    if (s.break_requested.exchange(false)) {
      outcome.status = PlayStatus::kBreak;
      break;
    }
    co_await s.process_commands();
    if (mode != DigitMode::kIgnore && s.has_dtmf()) {
      if (auto digit = s.dequeue_dtmf()) {
        if (mode == DigitMode::kCapture) {
          outcome.captured = digit->digit;
          outcome.status = PlayStatus::kBreak;
          break;
        }
        if (is_playback_terminator(s, digit->digit)) {
          outcome.status = PlayStatus::kBreak;
          break;
        }
      }
      continue;
    }
    std::int64_t now = s.now_monotonic_us();
    std::int64_t deadline = start + due * kFrameUs;
    if (now < deadline) {
      co_await media_wait(s, deadline);
      continue;
    }
    if (now - deadline > kMaxBacklogUs) {
      start = now;
      due = 0;
    }
    if (!source.read(frame)) break;
    s.write_frame(frame);
    ++due;
    ++frames;
  }
  co_return outcome;
}

// say:<text> (switch_ivr_play_file): spoken with the tts_engine and tts_voice variables,
// without playback events; no engine is logged and counts as played.
asio::awaitable<PlayOutcome> play_say(Session& s, std::string_view text, DigitMode mode) {
  std::optional<std::string> engine = s.lookup("tts_engine");
  if (!engine) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Invalid Args");
    co_return PlayOutcome{};
  }
  co_return co_await speak_text(s, *engine, s.lookup("tts_voice"), text, mode);
}

}  // namespace

asio::awaitable<PlayOutcome> play_source(Session& s, media::AudioSource& source, DigitMode mode) {
  std::int64_t frames = 0;
  co_return co_await pace_source(s, source, mode, frames);
}

asio::awaitable<PlayOutcome> play_file(Session& s, std::string_view file, DigitMode mode) {
  if (file.empty() || !s.ready()) co_return PlayOutcome{PlayStatus::kFalse, 0};
  if (protocol::istarts_with(file, "say:")) co_return co_await play_say(s, file.substr(4), mode);
  // file_string parts announce themselves as mod_dptools does: CUSTOM filestring::open /
  // ::close / ::fail events naming the part (no channel data), and a log line for a failure.
  auto on_part = [&s](media::PartEvent what, const std::string& part, const std::string& error) {
    const char* subclass = what == media::PartEvent::kOpened   ? "filestring::open"
                           : what == media::PartEvent::kClosed ? "filestring::close"
                                                               : "filestring::fail";
    if (what == media::PartEvent::kFailed) {
      ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Can't open file {}: {}", part, error);
    }
    core::Event event = s.create_event(core::EventType::kCustom, subclass);
    event.add_header("File", part);
    s.fire_event(std::move(event));
  };
  media::OpenedSource opened = media::open_audio_source(
      file, sound_prefix(s), [&s](const std::string& path) { return s.may_use_file(path, "play"); },
      on_part);
  if (!opened.source) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Can't open {}: {}", file, opened.error);
    co_return PlayOutcome{PlayStatus::kNotFound, 0};
  }
  // The event names the file without its @@ start offset.
  std::string_view name = file;
  if (std::size_t at = name.find("@@"); at != std::string_view::npos) name = name.substr(0, at);
  std::string path = shown_path(s, name);

  core::Event started = s.create_event(core::EventType::kPlaybackStart);
  s.add_event_data(started);
  add_file_headers(started, name, path);
  s.fire_event(std::move(started));

  std::int64_t frames = 0;
  PlayOutcome outcome = co_await pace_source(s, *opened.source, mode, frames);

  std::int64_t samples = frames * media::kFrameSamples;
  s.set_variable("playback_seconds", std::to_string(samples / media::kSampleRate));
  s.set_variable("playback_ms", std::to_string(samples / media::kSamplesPerMs));
  s.set_variable("playback_samples", std::to_string(samples));

  core::Event stopped = s.create_event(core::EventType::kPlaybackStop);
  s.add_event_data(stopped);
  add_file_headers(stopped, name, path);
  stopped.add_header("Playback-Status", outcome.status == PlayStatus::kBreak ? "break" : "done");
  s.fire_event(std::move(stopped));
  co_return outcome;
}

namespace {

asio::awaitable<void> playback_app(Session& s, std::string arg) {
  s.set_variable("playback_terminator_used", "");
  if (protocol::istarts_with(arg, "phrase:")) {
    set_playback_response(s, co_await play_phrase(s, std::string_view(arg).substr(7)));
    co_return;
  }
  PlayOutcome outcome = co_await play_file(s, arg, DigitMode::kTerminators);
  set_playback_response(s, outcome.status);
}

asio::awaitable<void> endless_playback_app(Session& s, std::string arg) {
  PlayStatus status = PlayStatus::kSuccess;
  while (s.ready()) {
    status = (co_await play_file(s, arg, DigitMode::kIgnore)).status;
    if (status != PlayStatus::kSuccess && status != PlayStatus::kBreak) break;
  }
  set_playback_response(s, status);
}

// "[+<loops>] <path>": the path that many times (negative: forever).
asio::awaitable<void> loop_playback_app(Session& s, std::string arg) {
  std::string_view file = arg;
  std::int64_t loops = 1;
  if (!file.empty() && file[0] == '+') {
    file.remove_prefix(1);
    std::string_view count = file;
    std::size_t space = file.find(' ');
    file = space == std::string_view::npos ? std::string_view() : file.substr(space + 1);
    if (count.empty()) {
      ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Missing loop in data [{}]", arg);
      s.hangup(cause::kDestinationOutOfOrder);
      co_return;
    }
    loops = text::c_atol(count);
  }
  if (file.empty()) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Missing file arg in data [{}]", arg);
    s.hangup(cause::kDestinationOutOfOrder);
    co_return;
  }
  PlayStatus status = PlayStatus::kSuccess;
  while (s.ready() && (loops < 0 || loops-- > 0)) {
    status = (co_await play_file(s, file, DigitMode::kIgnore)).status;
    if (status != PlayStatus::kSuccess && status != PlayStatus::kBreak) break;
  }
  set_playback_response(s, status);
}

// "<tone script>[|<loops>]": a teletone script, without playback events.
asio::awaitable<void> gentones_app(Session& s, std::string arg) {
  if (arg.empty()) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Invalid Params!");
    co_return;
  }
  std::string script = arg;
  std::optional<std::string> plays;
  if (std::size_t bar = script.find('|'); bar != std::string::npos) {
    long long loops = text::c_atol(std::string_view(script).substr(bar + 1));
    script.resize(bar);
    // The tone buffer replays `loops` more times after the first pass.
    if (loops < 0) {
      plays = "-1";
    } else if (loops > 0) {
      plays = std::to_string(loops + 1);
    }
  }
  std::string error;
  auto source = media::ToneSource::parse(script, plays ? &*plays : nullptr, &error);
  if (!source) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Invalid tone script {}: {}", script,
           error);
    co_return;
  }
  s.set_variable("playback_terminator_used", "");
  co_await play_source(s, *source, DigitMode::kTerminators);
}

// Returns what the channel receives until hangup, break or transfer.
asio::awaitable<void> echo_app(Session& s, std::string) {
  ChannelState entered = s.state();
  s.set_echo(true);
  while (s.ready() && s.state() == entered && !s.transferring.load()) {
    if (s.break_requested.exchange(false)) break;
    co_await s.process_commands();
    if (!s.ready() || s.break_requested.load()) continue;
    co_await media_wait(s, -1);
  }
  s.set_echo(false);
}

}  // namespace

void register_playback_apps(ApplicationRegistry& r) {
  add_media_app(r, "playback", "<path>", "Playback a file to the channel", playback_app);
  add_media_app(r, "endless_playback", "<path>", "Endlessly Playback a file to the channel",
                endless_playback_app);
  add_media_app(r, "loop_playback", "[+loops] <path>",
                "Playback a file to the channel looply for limted times", loop_playback_app);
  add_media_app(r, "gentones", "<tgml_script>[|<loops>]", "Generate tones to the channel",
                gentones_app);
  add_media_app(r, "echo", "", "Perform an echo test against the calling channel", echo_app);
}

}  // namespace es::sw
