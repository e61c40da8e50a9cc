// The media application group (docs/call-behaviour.md §11): registration and the helpers every
// media application shares. The applications live in media_apps_playback.cpp (playback and tones,
// echo), media_apps_read.cpp (digit collection), media_apps_record.cpp (record),
// media_apps_say.cpp (say, phrase), media_apps_speak.cpp (speak) and
// media_apps_displace.cpp (displace_session).
#include "switch/apps/app_groups.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

asio::awaitable<void> media_wait(Session& s, std::int64_t deadline_us) {
  s.core().running_sessions.fetch_sub(1);
  co_await s.wait_until(deadline_us);
  s.core().running_sessions.fetch_add(1);
}

std::string sound_prefix(const Session& s) {
  if (auto prefix = s.variable("sound_prefix"); prefix && !prefix->empty()) return *prefix;
  return s.core().options().sound_dir;
}

std::string playback_terminators(const Session& s) {
  std::string terminators = s.variable("playback_terminators").value_or("*");
  if (core::header_name_equals(terminators, "any")) return "1234567890*#";
  if (core::header_name_equals(terminators, "none")) return {};
  return terminators;
}

bool is_playback_terminator(Session& s, char digit) {
  if (playback_terminators(s).find(digit) == std::string::npos) return false;
  s.set_variable("playback_terminator_used", std::string(1, digit));
  return true;
}

void set_playback_response(Session& s, PlayStatus status) {
  switch (status) {
    case PlayStatus::kSuccess:
    case PlayStatus::kBreak:
      s.set_variable("current_application_response", "FILE PLAYED");
      break;
    case PlayStatus::kNotFound:
      s.set_variable("current_application_response", "FILE NOT FOUND");
      break;
    default:
      s.set_variable("current_application_response", "PLAYBACK ERROR");
      break;
  }
}

void add_media_app(ApplicationRegistry& r, std::string name, std::string syntax,
                   std::string description, ApplicationFunction fn) {
  Application app;
  app.name = std::move(name);
  app.syntax = std::move(syntax);
  app.description = std::move(description);
  app.function = std::move(fn);  // no flags: these need media, so inbound legs pre-answer
  r.add(std::move(app));
}

void register_media_apps(ApplicationRegistry& registry) {
  register_playback_apps(registry);
  register_read_apps(registry);
  register_record_apps(registry);
  register_say_apps(registry);
  register_speak_apps(registry);
  register_displace_apps(registry);
}

}  // namespace es::sw
