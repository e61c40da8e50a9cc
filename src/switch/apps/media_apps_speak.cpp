// speak (mod_dptools.c) and the text-to-speech path of switch_ivr_speak_text, with mod_flite as
// the one engine (docs/speech.md). The synthesis runs on the switch's speech worker thread;
// the session waits for it (commands and hangup still served), then plays the speech on the
// switch clock like any other source.
#include <fmt/format.h>

#include <memory>
#include <mutex>

#include "core/log_bus.hpp"
#include "core/text/separate_string.hpp"
#include "protocol/ascii.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/media/flite_engine.hpp"
#include "switch/media/speech_synthesizer.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// What the worker hands back, read by the session once `done` is set.
struct PendingSpeech {
  std::mutex mutex;
  bool done = false;
  std::unique_ptr<media::SpeechSource> source;
  std::string error;

  bool finished() {
    std::lock_guard lock(mutex);
    return done;
  }
};

// "flite" or "flite:<param>" (the part after ':' is the engine's parameter, unused by flite).
std::string_view module_name(std::string_view engine) {
  return engine.substr(0, engine.find(':'));
}

// switch_core_speech_open and mod_flite's open: false (logged as FreeSWITCH does) when the
// engine or the voice is not there.
bool open_speech(Session& s, std::string_view engine, const std::optional<std::string>& voice) {
  core::LogBus& log = s.core().runtime().log();
  std::string_view module = module_name(engine);
  bool opened = false;
  if (module.empty()) {
    // No engine name: refused without a message of its own.
  } else if (!protocol::iequals(module, "flite")) {
    ES_LOG(log, core::LogLevel::kErr, "Invalid speech module [{}]!", module);
  } else if (!voice) {
    ES_LOG(log, core::LogLevel::kErr,
           "A voice is required. Valid voice names are awb, rms, slt or kal.");
  } else if (!media::flite_voice_known(*voice)) {
    ES_LOG(log, core::LogLevel::kErr, "Valid voice names are awb, rms, slt or kal.");
  } else {
    opened = true;
  }
  if (!opened) {
    ES_LOG(log, core::LogLevel::kErr, "Invalid TTS module {}[{}]!", engine,
           voice ? *voice : std::string("(null)"));
  }
  return opened;
}

// '*' and '#' would be read as nothing: they are spoken as the words of star_replace and
// pound_replace ("star", "pound").
std::string replace_keys(const Session& s, std::string_view text) {
  const std::string star = s.lookup("star_replace").value_or("star");
  const std::string pound = s.lookup("pound_replace").value_or("pound");
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '*') {
      out += star;
    } else if (c == '#') {
      out += pound;
    } else {
      out += c;
    }
  }
  return out;
}

// switch_core_speech_feed_tts: leading blanks and a leading {name=value,...} block (engine
// parameters; flite takes none) are not spoken. Empty when nothing is left to speak.
std::string_view spoken_part(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (!text.empty() && text.front() == '{') {
    int depth = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
      if (text[i] == '{') ++depth;
      if (text[i] == '}' && --depth == 0) break;
    }
    if (i >= text.size()) return {};
    text.remove_prefix(i + 1);
  }
  return text;
}

// Waits for the worker, serving commands; nullopt when the speech arrived, else the status
// that ends the speaking (hangup, break).
asio::awaitable<std::optional<PlayStatus>> await_speech(Session& s, PendingSpeech& pending) {
  while (!pending.finished()) {
    if (!s.ready()) co_return PlayStatus::kFalse;
    if (s.break_requested.exchange(false)) co_return PlayStatus::kBreak;
    co_await s.process_commands();
    if (pending.finished()) break;
    // Still counted as running: simulated time does not move on while the text is
    // synthesized, as the synthesis takes no time on the switch's clock.
    co_await s.wait_until(-1);
  }
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<PlayOutcome> speak_text(Session& s, std::string_view engine,
                                        const std::optional<std::string>& voice,
                                        std::string_view text, DigitMode mode) {
  core::LogBus& log = s.core().runtime().log();
  if (!s.ready()) co_return PlayOutcome{PlayStatus::kFalse, 0};
  if (!open_speech(s, engine, voice)) co_return PlayOutcome{PlayStatus::kFalse, 0};

  std::string spoken(spoken_part(replace_keys(s, text)));
  if (spoken.empty()) co_return PlayOutcome{};  // FreeSWITCH plays nothing and succeeds
  if (spoken.size() > kMaxSpeechTextBytes) {
    ES_LOG(log, core::LogLevel::kErr, "Text of {} bytes is too long to speak (at most {})",
           spoken.size(), kMaxSpeechTextBytes);
    co_return PlayOutcome{PlayStatus::kFalse, 0};
  }
  ES_LOG(log, core::LogLevel::kDebug, "Speaking text: {}", spoken);

  auto pending = std::make_shared<PendingSpeech>();
  std::weak_ptr<Waiter> waiter = s.waiter();
  const bool queued = s.core().speech().submit(
      {*voice, std::move(spoken),
       [pending, waiter](std::unique_ptr<media::SpeechSource> source, std::string error) {
         {
           std::lock_guard lock(pending->mutex);
           pending->source = std::move(source);
           pending->error = std::move(error);
           pending->done = true;
         }
         if (auto w = waiter.lock()) w->signal();
       }});
  if (!queued) {
    ES_LOG(log, core::LogLevel::kErr, "Speech synthesis queue full ({} requests): not speaking",
           media::SpeechSynthesizer::kQueueCapacity);
    co_return PlayOutcome{PlayStatus::kFalse, 0};
  }
  if (auto ended = co_await await_speech(s, *pending)) co_return PlayOutcome{*ended, 0};

  std::unique_ptr<media::SpeechSource> source;
  {
    std::lock_guard lock(pending->mutex);
    source = std::move(pending->source);
    if (!source) {
      ES_LOG(log, core::LogLevel::kErr, "Speech synthesis failed: {}", pending->error);
      co_return PlayOutcome{PlayStatus::kFalse, 0};
    }
  }
  PlayOutcome outcome = co_await play_source(s, *source, mode);
  ES_LOG(log, core::LogLevel::kDebug, "done speaking text");
  co_return outcome;
}

namespace {

// "<engine>|<voice>|<text>", "<voice>|<text>" or "<text>"; what is missing comes from the
// tts_engine and tts_voice variables. The text is taken as written (it may hold '|').
asio::awaitable<void> speak_app(Session& s, std::string arg) {
  core::LogBus& log = s.core().runtime().log();
  if (arg.empty()) {
    ES_LOG(log, core::LogLevel::kErr, "Invalid Params!");
    co_return;
  }
  std::vector<std::string> parts = text::separate_string(arg, '|', 3);
  if (parts.empty()) {
    ES_LOG(log, core::LogLevel::kErr, "Invalid Params!");
    co_return;
  }
  std::optional<std::string> engine;
  std::optional<std::string> voice;
  std::string_view text = arg;
  if (parts.size() >= 2) {
    voice = parts[parts.size() - 2];
    if (parts.size() == 3) engine = parts[0];
    // The text unsplit: everything after the voice's delimiter.
    std::size_t cut = 0;
    for (std::size_t i = 1; i < parts.size() && cut != std::string_view::npos; ++i) {
      cut = text.find('|', cut);
      if (cut != std::string_view::npos) ++cut;
    }
    text = cut == std::string_view::npos ? std::string_view(parts.back()) : text.substr(cut);
  }
  if (!engine) engine = s.lookup("tts_engine");
  if (!voice) voice = s.lookup("tts_voice");
  if (!engine || !voice) {
    ES_LOG(log, core::LogLevel::kErr, "Invalid Params! [{}][{}][{}]", engine.value_or("NULL"),
           voice.value_or("NULL"), text);
    s.hangup(cause::kDestinationOutOfOrder);
    co_return;
  }
  s.set_variable("playback_terminator_used", "");
  co_await speak_text(s, *engine, voice, text, DigitMode::kTerminators);
}

}  // namespace

void register_speak_apps(ApplicationRegistry& r) {
  add_media_app(r, "speak", "<engine>|<voice>|<text>",
                "Speak text to a channel via the tts interface", speak_app);
}

}  // namespace es::sw
