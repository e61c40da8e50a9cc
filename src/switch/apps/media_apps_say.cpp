// say and phrase (mod_dptools), with switch_ivr_say and switch_ivr_phrase_macro_event: the
// language found in the configuration's phrases, the English say module (say_en.hpp), and
// phrase macros run action by action (docs/say-and-phrases.md).
#include <fmt/format.h>

#include <ctime>
#include <memory>

#include "core/log_bus.hpp"
#include "core/regex.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/apps/say_en.hpp"
#include "switch/dialplan/time_zone.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// Phrase macros may call each other (the "phrase" action); a loop stops here.
constexpr int kMaxPhraseDepth = 16;

void log(Session& s, core::LogLevel level, const std::string& text) {
  ES_LOG(s.core().runtime().log(), level, "{}", text);
}

pugi::xml_node child_named(pugi::xml_node parent, const char* tag, std::string_view name) {
  for (pugi::xml_node n = parent.child(tag); n; n = n.next_sibling(tag)) {
    if (protocol::iequals(n.attribute("name").as_string(), name)) return n;
  }
  return {};
}

const char* first_attr(pugi::xml_node node, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (pugi::xml_attribute a = node.attribute(name)) return a.value();
  }
  return nullptr;
}

// What switch_xml_locate_language finds: a <language> and the <macros> of its phrases.
struct Language {
  std::shared_ptr<const core::XmlConfig> config;  // keeps the nodes alive
  pugi::xml_node language;
  pugi::xml_node phrases;  // empty in the old layout
  pugi::xml_node macros;
  bool old_layout = false;
};

std::optional<Language> locate_language_once(Session& s, std::string_view lang) {
  Language out;
  const SwitchCore& core = s.core();
  if (core.phrases_xml) {
    out.config = core.phrases_xml();
  } else if (core.xml) {
    out.config = core.xml();
  }
  if (!out.config) {
    log(s, core::LogLevel::kErr, "Open of languages and phrases failed.");
    return std::nullopt;
  }
  if (pugi::xml_node languages = out.config->section("languages")) {
    out.language = child_named(languages, "language", lang);
    if (!out.language) {
      log(s, core::LogLevel::kErr, fmt::format("Can't find language {}.", lang));
      return std::nullopt;
    }
    out.phrases = out.language.child("phrases");
    if (!out.phrases) {
      log(s, core::LogLevel::kErr, "Can't find phrases tag.");
      return std::nullopt;
    }
    out.macros = out.phrases.child("macros");
    if (!out.macros) {
      log(s, core::LogLevel::kErr, "Can't find macros tag.");
      return std::nullopt;
    }
    return out;
  }
  pugi::xml_node phrases = out.config->section("phrases");
  if (!phrases) {
    log(s, core::LogLevel::kErr, "Open of languages and phrases failed.");
    return std::nullopt;
  }
  pugi::xml_node macros = phrases.child("macros");
  if (!macros) {
    log(s, core::LogLevel::kErr, "Can't find macros tag.");
    return std::nullopt;
  }
  out.language = child_named(macros, "language", lang);
  if (!out.language) {
    log(s, core::LogLevel::kErr, fmt::format("Can't find language {}.", lang));
    return std::nullopt;
  }
  out.macros = out.language;
  out.old_layout = true;
  return out;
}

// "en-US" falls back to "en".
std::optional<Language> locate_language(Session& s, std::string_view lang) {
  if (auto found = locate_language_once(s, lang)) return found;
  std::size_t dash = lang.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  log(s, core::LogLevel::kWarning,
      fmt::format("language {} not found. trying {} by removing {}", lang, lang.substr(0, dash),
                  lang.substr(dash + 1)));
  return locate_language_once(s, lang.substr(0, dash));
}

std::string say_module_of(Session& s, pugi::xml_node language, std::string_view lang) {
  if (const char* m = language.attribute("say-module").as_string(nullptr)) return m;
  if (const char* m = language.attribute("module").as_string(nullptr)) {
    log(s, core::LogLevel::kWarning, "Deprecated usage of module attribute");
    return m;
  }
  return std::string(lang);
}

const char* sound_path_of(pugi::xml_node node) {
  return first_attr(node, {"sound-prefix", "sound-path", "sound_path"});
}

// Dates are broken down in the channel's `timezone`: a number is seconds east of UTC (as
// switch_time_exp_tz takes it), anything else a zone name (switch_time_exp_tz_name); without
// it, or for a zone that is not known, in the daemon's local time.
say::SayClock say_clock(Session& s) {
  say::SayClock clock;
  clock.now_epoch_s = s.core().runtime().clock().now_epoch_us() / 1000000;
  std::string zone = s.variable("timezone").value_or("");
  int offset = zone.empty() ? 0 : text::c_atoi(zone);
  if (offset) zone.clear();
  if (!zone.empty() && !zone_time(zone, clock.now_epoch_s)) {
    log(s, core::LogLevel::kWarning,
        fmt::format("timezone [{}]: unknown time zone; using local time", zone));
    zone.clear();
  }
  clock.breakdown = [zone = std::move(zone), offset](std::int64_t t) {
    if (!zone.empty()) {
      if (auto zoned = zone_time(zone, t)) return *zoned;
    }
    std::tm tm{};
    if (offset) {
      auto shifted = static_cast<std::time_t>(t + offset);
      gmtime_r(&shifted, &tm);
    } else {
      auto plain = static_cast<std::time_t>(t);
      localtime_r(&plain, &tm);
    }
    return tm;
  };
  return clock;
}

// The say module's say_function: the sequence played as one file_string playback.
asio::awaitable<PlayStatus> say_with_module(Session& s, std::string_view module,
                                            std::string_view text, std::string_view type,
                                            std::string_view method) {
  if (!protocol::iequals(module, "en")) {
    log(s, core::LogLevel::kErr, fmt::format("Invalid SAY Interface [{}]!", module));
    co_return PlayStatus::kFalse;
  }
  say::Type t = say::type_by_name(type);
  say::SayResult said = say::say_en(t, say::method_by_name(method), text, say_clock(s));
  if (!said.ok) log(s, core::LogLevel::kErr, said.error);
  if (t == say::Type::kUnknown || t == say::Type::kEmailAddress) co_return PlayStatus::kFalse;
  // What was gathered before an error still plays, as in mod_say_en.
  std::string files = say::file_string(said.files, s.variable("say_ext").value_or("wav"));
  co_return (co_await play_file(s, files, DigitMode::kTerminators)).status;
}

// Sets sound_prefix for the length of a say or phrase, then puts back what was there (unless
// sound_prefix_enforced is true, when it is left alone).
class SoundPrefixScope {
 public:
  SoundPrefixScope(Session& s, const char* path, bool restore_empty, bool enforced) : s_(s) {
    if (!path || enforced) return;
    old_ = s.variable("sound_prefix");
    // say restores only a prefix that was set; a phrase restores "" too.
    if (!old_ && restore_empty) old_ = std::string();
    s.set_variable("sound_prefix", path);
  }
  ~SoundPrefixScope() {
    if (old_) s_.set_variable("sound_prefix", *old_);
  }
  SoundPrefixScope(const SoundPrefixScope&) = delete;
  SoundPrefixScope& operator=(const SoundPrefixScope&) = delete;

 private:
  Session& s_;
  std::optional<std::string> old_;
};

// switch_ivr_say: "<module>[:<lang>]" finds the language, whose say-module and sound prefix
// then apply.
asio::awaitable<PlayStatus> ivr_say(Session& s, std::string_view text, std::string_view module,
                                    std::string_view type, std::string_view method) {
  std::string lang;
  if (std::size_t colon = module.find(':'); colon != std::string_view::npos) {
    lang = module.substr(colon + 1);
    module = module.substr(0, colon);
  }
  if (lang.empty()) {
    lang = s.variable("language")
               .value_or(s.variable("default_language").value_or(std::string(module)));
  }
  auto language = locate_language(s, lang);
  if (!language) co_return PlayStatus::kFalse;
  std::string say_module = say_module_of(s, language->language, lang);
  SoundPrefixScope prefix(s, sound_path_of(language->language), false,
                          s.variable_true("sound_prefix_enforced"));
  co_return co_await say_with_module(s, say_module, text, type, method);
}

// "<module>[:<lang>] <type> <method> [<gender>] <text>": the gender is accepted and unused
// (English has none).
asio::awaitable<void> say_app(Session& s, std::string arg) {
  std::vector<std::string_view> argv;
  std::string_view rest = arg;
  while (!rest.empty() && argv.size() < 4) {
    std::size_t space = rest.find(' ');
    if (space == std::string_view::npos) break;
    argv.push_back(rest.substr(0, space));
    rest.remove_prefix(space + 1);
  }
  if (!rest.empty()) argv.push_back(rest);
  if (argv.size() != 4 && argv.size() != 5) {
    log(s, core::LogLevel::kErr,
        "Usage: <module_name>[:<lang>] <say_type> <say_method> [<say_gender>] <text>");
    co_return;
  }
  s.set_variable("playback_terminator_used", "");
  co_await ivr_say(s, argv.back(), argv[0], argv[1], argv[2]);
}

// switch_ivr_sleep between phrase actions: digits stay queued.
asio::awaitable<void> pause_between(Session& s, int ms) {
  if (ms > 0) co_await s.sleep_ms(ms);
}

struct MacroContext {
  Session& s;
  Language& language;
  std::string lang;
  std::string module;
  const char* tts_engine = nullptr;
  const char* tts_voice = nullptr;
  int depth = 0;
};

asio::awaitable<PlayStatus> phrase_macro(Session& s, std::string_view name, std::string_view data,
                                         std::optional<std::string> lang, int depth);

// One <action>; `done` is set by "break".
asio::awaitable<PlayStatus> run_action(MacroContext& m, pugi::xml_node action,
                                       const std::string& adata, bool& done) {
  Session& s = m.s;
  std::string func = action.attribute("function").as_string();
  log(s, core::LogLevel::kDebug,
      fmt::format("Handle {}:[{}] ({}:{})", func, adata, m.lang, m.module));
  if (protocol::iequals(func, "play-file")) {
    co_return (co_await play_file(s, adata, DigitMode::kTerminators)).status;
  }
  if (protocol::iequals(func, "phrase")) {
    co_return co_await phrase_macro(s, action.attribute("phrase").as_string(), adata, m.lang,
                                    m.depth + 1);
  }
  if (protocol::iequals(func, "break")) {
    done = true;
    co_return PlayStatus::kSuccess;
  }
  if (protocol::iequals(func, "execute")) {
    // "app(args)" or just "app".
    std::string app = adata;
    std::string args;
    if (std::size_t open = app.find('('); open != std::string::npos) {
      std::size_t close = app.rfind(')');
      args = app.substr(open + 1, close != std::string::npos && close > open ? close - open - 1
                                                                             : std::string::npos);
      app.resize(open);
    }
    if (!s.core().applications().find(app)) {
      log(s, core::LogLevel::kErr, fmt::format("Invalid Application {}", app));
      co_return PlayStatus::kFalse;
    }
    co_return co_await s.execute_application(app, args) ? PlayStatus::kSuccess : PlayStatus::kFalse;
  }
  if (protocol::iequals(func, "say")) {
    co_return co_await say_with_module(s, m.module, adata, action.attribute("type").as_string(),
                                       action.attribute("method").as_string());
  }
  if (protocol::iequals(func, "speak-text")) {
    // The action's tts-engine / tts-voice override the language's, but, as in FreeSWITCH, it
    // is the language's pair that must be there.
    const char* engine = action.attribute("tts-engine").as_string(nullptr);
    const char* voice = action.attribute("tts-voice").as_string(nullptr);
    if (!engine) engine = m.tts_engine;
    if (!voice) voice = m.tts_voice;
    if (!m.tts_engine || !*m.tts_engine || !m.tts_voice || !*m.tts_voice) {
      log(s, core::LogLevel::kErr, "TTS is not configured");
      co_return PlayStatus::kSuccess;  // FreeSWITCH's status stays as it was
    }
    co_return (co_await speak_text(s, engine, std::string(voice), adata, DigitMode::kTerminators))
        .status;
  }
  co_return PlayStatus::kSuccess;  // an unknown function does nothing
}

asio::awaitable<PlayStatus> phrase_macro(Session& s, std::string_view macro_name,
                                         std::string_view data, std::optional<std::string> lang,
                                         int depth) {
  if (macro_name.empty()) {
    log(s, core::LogLevel::kErr, "No phrase macro specified.");
    co_return PlayStatus::kFalse;
  }
  if (depth > kMaxPhraseDepth) {
    log(s, core::LogLevel::kErr,
        fmt::format("Phrase macro [{}]: more than {} macros deep", macro_name, kMaxPhraseDepth));
    co_return PlayStatus::kFalse;
  }
  if (!lang) lang = s.variable("default_language").value_or("en");
  auto language = locate_language(s, *lang);
  if (!language) co_return PlayStatus::kFalse;

  MacroContext m{s, *language, *lang, say_module_of(s, language->language, *lang)};
  m.depth = depth;
  m.tts_engine = first_attr(language->language, {"tts-engine", "tts_engine"});
  m.tts_voice = first_attr(language->language, {"tts-voice", "tts_voice"});
  const char* sound_path = sound_path_of(language->language);
  bool enforced_before = s.variable_true("sound_prefix_enforced");

  pugi::xml_node macros = language->macros;
  std::string local_name(macro_name);
  bool enforced_here = false;
  if (!language->old_layout) {
    // "name@group" picks the <macros name="group"> of the language's phrases.
    if (std::size_t at = local_name.find('@'); at != std::string::npos) {
      std::string group = local_name.substr(at + 1);
      local_name.resize(at);
      macros = child_named(language->phrases, "macros", group);
      if (!macros) {
        log(s, core::LogLevel::kErr, fmt::format("Can't find macros group {}.", group));
        co_return PlayStatus::kFalse;
      }
    }
    if (const char* group_path = sound_path_of(macros)) sound_path = group_path;
    const char* enforce = macros.attribute("sound-prefix-enforced").as_string(nullptr);
    if (!enforced_before && enforce && text::switch_true(enforce)) {
      s.set_variable("sound_prefix_enforced", enforce);
      enforced_here = true;
    }
  }
  struct EnforcedReset {
    Session& s;
    bool active;
    ~EnforcedReset() {
      if (active) s.set_variable("sound_prefix_enforced", "");
    }
  } enforced_reset{s, enforced_here};

  pugi::xml_node macro = child_named(macros, "macro", local_name);
  if (!macro) {
    log(s, core::LogLevel::kErr, fmt::format("Can't find macro {}.", macro_name));
    co_return PlayStatus::kFalse;
  }
  // The prefix switches unless enforcement was already on when the macro started.
  SoundPrefixScope prefix(s, sound_path, true, enforced_before);

  int pause = 100;
  if (const char* p = macro.attribute("pause").as_string(nullptr); p && text::c_atoi(p) >= 0)
    pause = text::c_atoi(p);
  if (!macro.child("input")) {
    log(s, core::LogLevel::kErr, "Can't find any input tags.");
    co_return PlayStatus::kFalse;
  }
  if (!s.pre_answer()) co_return PlayStatus::kFalse;

  PlayStatus status = PlayStatus::kFalse;
  int matches = 0;
  bool done = false;
  for (pugi::xml_node input = macro.child("input"); input; input = input.next_sibling("input")) {
    const char* field = input.attribute("field").as_string(nullptr);
    std::string subject = s.expand(field ? std::string_view(field) : data);
    std::string pattern = input.attribute("pattern").as_string(".*");
    status = PlayStatus::kSuccess;
    core::RegexMatch found = core::regex_perform(subject, pattern);
    pugi::xml_node match = input.child(found.count > 0 ? "match" : "nomatch");
    if (match) {
      ++matches;
      for (pugi::xml_node action = match.child("action"); action;
           action = action.next_sibling("action")) {
        std::string adata = action.attribute("data").as_string();
        if (pattern.find('(') != std::string::npos && adata.find('$') != std::string::npos &&
            found.count > 0) {
          adata = core::perform_substitution(found, adata);
        }
        adata = s.expand(adata);
        status = co_await run_action(m, action, adata, done);
        co_await pause_between(s, pause);
        if (done || status != PlayStatus::kSuccess) break;
      }
    }
    if (done || status != PlayStatus::kSuccess ||
        (match && text::switch_true(input.attribute("break_on_match").as_string()))) {
      break;
    }
  }
  if (matches == 0) {
    log(s, core::LogLevel::kWarning,
        fmt::format("Macro [{}]: '{}' did not match any patterns", macro_name, data));
  }
  co_return status;
}

// "<macro>[,<data>]" in the channel's language.
asio::awaitable<void> phrase_app(Session& s, std::string arg) {
  if (arg.empty()) {
    s.set_variable("current_application_response", "NOTHING");
    co_return;
  }
  std::string_view macro = arg;
  std::string_view data;
  if (std::size_t comma = macro.find(','); comma != std::string_view::npos) {
    data = macro.substr(comma + 1);
    macro = macro.substr(0, comma);
  }
  s.set_variable("playback_terminator_used", "");
  PlayStatus status = co_await phrase_macro(s, macro, data, s.variable("language"), 0);
  s.set_variable("current_application_response",
                 status == PlayStatus::kSuccess || status == PlayStatus::kBreak ? "PHRASE PLAYED"
                                                                                : "UNKNOWN ERROR");
}

}  // namespace

asio::awaitable<PlayStatus> play_phrase(Session& s, std::string_view spec) {
  std::string_view macro = spec;
  std::string_view data;
  if (std::size_t colon = macro.find(':'); colon != std::string_view::npos) {
    data = macro.substr(colon + 1);
    macro = macro.substr(0, colon);
  }
  co_return co_await phrase_macro(s, macro, data, s.variable("language"), 0);
}

void register_say_apps(ApplicationRegistry& r) {
  add_media_app(r, "say", "<module_name>[:<lang>] <say_type> <say_method> [<say_gender>] <text>",
                "say", say_app);
  add_media_app(r, "phrase", "<macro_name>,<data>", "Say a Phrase", phrase_app);
}

}  // namespace es::sw
