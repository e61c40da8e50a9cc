// Displacement (media_displacer.hpp) and its applications: displace_session <path> [<flags>]
// [+<time_limit>] and stop_displace_session <path> (mod_dptools.c).
#include <algorithm>
#include <map>
#include <vector>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "switch/apps/media_displacer.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

void mix_into(media::Frame& frame, const media::Frame& add) {
  for (int i = 0; i < media::kFrameSamples; ++i) {
    int sum = frame.samples[i] + add.samples[i];
    frame.samples[i] = static_cast<std::int16_t>(std::clamp(sum, -32768, 32767));
  }
}

}  // namespace

DisplaceMode DisplaceMode::parse(std::string_view flags) {
  DisplaceMode mode;
  auto has = [&](char c) { return flags.find(c) != std::string_view::npos; };
  mode.mux = has('m');
  mode.loop = has('l');
  mode.read = has('r');
  mode.both = mode.read && has('w');
  return mode;
}

Displacer::Displacer(std::unique_ptr<media::AudioSource> source, Reopen reopen, DisplaceMode mode,
                     const core::Clock& clock, std::int64_t deadline_us)
    : clock_(clock),
      mode_(mode),
      deadline_us_(deadline_us),
      source_(std::move(source)),
      reopen_(std::move(reopen)) {}

bool Displacer::finished() const {
  if (stopped_.load()) return true;
  return deadline_us_ >= 0 && clock_.now_monotonic_us() >= deadline_us_;
}

bool Displacer::next(media::Frame& out) {
  if (!source_) return false;
  if (source_->read(out)) return true;
  if (!mode_.loop) {
    source_.reset();
    return false;
  }
  source_ = reopen_();
  return source_ && source_->read(out);
}

bool Displacer::displace(media::Frame& frame) {
  media::Frame file;
  bool more = next(file);
  if (!more) file = media::Frame{};  // the rest of the last frame is silence
  if (mode_.mux) {
    mix_into(frame, file);
  } else {
    frame = file;
  }
  if (!more) stopped_.store(true);
  return more;
}

bool Displacer::filter_read(media::Frame& frame) {
  if (finished()) return false;
  std::lock_guard lock(mutex_);
  if (!mode_.read) {
    // Replacing what the channel sends also silences what it hears (mixing leaves it).
    if (!mode_.mux) frame = media::Frame{};
    return true;
  }
  bool more = displace(frame);
  if (more && mode_.both && !mode_.mux) {
    if (shared_.size() >= kMaxSharedFrames) shared_.pop_front();
    shared_.push_back(frame);
  }
  return more;
}

bool Displacer::filter_write(media::Frame& frame) {
  if (finished()) return false;
  std::lock_guard lock(mutex_);
  if (mode_.read) {
    if (mode_.both && !mode_.mux) {
      // FreeSWITCH writes silence when the read side has not supplied a frame yet.
      if (shared_.empty()) {
        frame = media::Frame{};
      } else {
        frame = shared_.front();
        shared_.pop_front();
      }
    } else if (!mode_.mux) {
      frame = media::Frame{};
    }
    return true;
  }
  return displace(frame);
}

namespace session_displacement {
namespace {

struct Entry {
  std::weak_ptr<Session> session;
  std::string name;
  std::shared_ptr<Displacer> displacer;
};

std::mutex g_mutex;
// By channel uuid (a Session address may be reused by a later call).
std::map<std::string, std::vector<Entry>, std::less<>> g_displacements;

// Forgets finished displacements and those of channels that are gone (g_mutex held): nothing
// else removes them, so every start sweeps.
void sweep() {
  for (auto it = g_displacements.begin(); it != g_displacements.end();) {
    std::erase_if(it->second,
                  [](const Entry& e) { return e.session.expired() || e.displacer->finished(); });
    it = it->second.empty() ? g_displacements.erase(it) : std::next(it);
  }
}

bool has_extension(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::size_t dot = path.rfind('.');
  return dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
}

// The name FreeSWITCH keys the displacement by: a stream as given, a relative file under
// the prefix, ".wav" added when it has no extension (FreeSWITCH adds the codec's name).
std::string resolved_name(std::string_view file, const std::string& prefix) {
  if (file.find("://") != std::string_view::npos) return std::string(file);
  std::string name(file);
  if (name.empty() || name[0] != '/') name = prefix.empty() ? name : prefix + "/" + name;
  if (!has_extension(name)) name += ".wav";
  return name;
}

}  // namespace

bool start(Session& s, std::string_view file, std::int64_t limit_seconds, std::string_view flags) {
  if (file.empty()) return false;
  if (!s.pre_answer()) return false;
  auto& log = s.core().runtime().log();
  std::string prefix = sound_prefix(s);
  std::string name = resolved_name(file, prefix);
  {
    std::lock_guard lock(g_mutex);
    sweep();
    auto it = g_displacements.find(s.uuid());
    if (it != g_displacements.end()) {
      bool same = std::any_of(it->second.begin(), it->second.end(),
                              [&](const Entry& e) { return e.name == name; });
      if (same) {
        ES_LOG(log, core::LogLevel::kErr, "Only 1 of the same file per channel please!");
        return false;
      }
      if (it->second.size() >= kMaxPerSession) {
        ES_LOG(log, core::LogLevel::kErr, "{}: already {} displacements", s.name(), kMaxPerSession);
        return false;
      }
    }
  }
  std::weak_ptr<Session> weak = s.weak_from_this();
  std::string spec(file);
  auto open = [weak, spec, prefix](std::string* error) -> std::unique_ptr<media::AudioSource> {
    SessionPtr session = weak.lock();
    if (!session) return nullptr;
    media::OpenedSource opened = media::open_audio_source(
        spec, prefix, [&](const std::string& path) { return session->may_use_file(path, "play"); });
    if (error) *error = opened.error;
    return std::move(opened.source);
  };
  std::string error;
  std::unique_ptr<media::AudioSource> source = open(&error);
  if (!source) {
    ES_LOG(log, core::LogLevel::kErr, "Can't open {}: {}", file, error);
    if (s.variable_true("DISPLACE_HANGUP_ON_ERROR")) s.hangup(cause::kDestinationOutOfOrder);
    return false;
  }
  std::int64_t deadline = -1;
  if (limit_seconds > 0) {
    deadline =
        core::saturating_add(s.now_monotonic_us(), core::saturating_mul(limit_seconds, 1000000));
  }
  auto displacer = std::make_shared<Displacer>(
      std::move(source), [open] { return open(nullptr); }, DisplaceMode::parse(flags),
      s.core().runtime().clock(), deadline);
  {
    // Checked again: another start of the same file may have won while this one opened it.
    std::lock_guard lock(g_mutex);
    auto& entries = g_displacements[s.uuid()];
    bool same =
        std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.name == name; });
    if (same) {
      ES_LOG(log, core::LogLevel::kErr, "Only 1 of the same file per channel please!");
      return false;
    }
    if (entries.size() >= kMaxPerSession) {
      ES_LOG(log, core::LogLevel::kErr, "{}: already {} displacements", s.name(), kMaxPerSession);
      return false;
    }
    entries.push_back(Entry{weak, name, displacer});
  }
  s.add_frame_filter(displacer);
  return true;
}

bool stop(Session& s, std::string_view name) {
  std::shared_ptr<Displacer> found;
  {
    std::lock_guard lock(g_mutex);
    auto it = g_displacements.find(s.uuid());
    if (it == g_displacements.end()) return false;
    auto entry = std::find_if(it->second.begin(), it->second.end(),
                              [&](const Entry& e) { return e.name == name; });
    if (entry == it->second.end() || entry->displacer->finished()) return false;
    found = entry->displacer;
    it->second.erase(entry);
    if (it->second.empty()) g_displacements.erase(it);
  }
  found->stop();
  s.remove_frame_filter(found.get());
  return true;
}

}  // namespace session_displacement

namespace {

// The flags word and the "+<n>" time limit may come in either order (mod_dptools looks for
// a '+' anywhere in a word); the limit is in seconds, whatever the syntax text suggests.
void displace_session_app(Session& s, const std::string& arg) {
  if (arg.empty()) return;
  auto words = text::separate_string(arg, ' ', 6);
  if (words.empty()) return;
  std::int64_t limit = 0;
  std::string flags;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i].find('+') != std::string::npos) {
      limit = text::c_atoi(words[i]);
    } else if (!words[i].empty()) {
      flags = words[i];
    }
  }
  session_displacement::start(s, words[0], limit, flags);
}

}  // namespace

void register_displace_apps(ApplicationRegistry& r) {
  add_media_app(r, "displace_session", "<path> [<flags>] [+time_limit_ms]",
                "Displace audio from a file to the channels input",
                [](Session& s, std::string arg) -> asio::awaitable<void> {
                  displace_session_app(s, arg);
                  co_return;
                });
  add_media_app(r, "stop_displace_session", "<path>", "Stop Displacing to a file",
                [](Session& s, std::string arg) -> asio::awaitable<void> {
                  session_displacement::stop(s, arg);
                  co_return;
                });
}

}  // namespace es::sw
