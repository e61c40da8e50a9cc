// sim/<destination>: one outbound leg whose far end follows a script taken from originate
// variables (docs/sim-endpoint.md). Steps before the answer are timed from the moment the leg
// reaches CS_CONSUME_MEDIA, steps after it from the answer. Each step is a one-shot timer on
// the switch clock; a step due now runs at once, so a zero delay costs no timer.
//
// Steps run as timer callbacks (any thread) rather than inside the consume-media coroutine so
// that the script goes on after originate has released the leg (an early-media winner that
// answers later) and so that a timer schedules its follow-ups before simulated time moves on.
#include "switch/endpoints/sim_endpoint.hpp"

#include <atomic>
#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/log_bus.hpp"
#include "switch/media/audio_source.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

constexpr std::int64_t kFrameUs = 20000;

struct ScriptedDigit {
  char digit = 0;
  std::int64_t after_answer_ms = 0;
};

struct SimScript {
  std::optional<std::int64_t> ring_ms;
  std::optional<std::int64_t> early_media_ms;
  std::int64_t answer_ms = 0;  // -1: never
  std::optional<int> fail_cause;
  std::int64_t fail_ms = 0;
  std::optional<std::int64_t> hangup_ms;
  int hangup_cause = cause::kNormalClearing;
  std::vector<ScriptedDigit> digits;
  std::string play;  // audio spec, empty: none
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return {};
  return value;
}

// A cause name (case-insensitive) or its number.
std::optional<int> parse_cause(std::string_view text) {
  text = trim(text);
  if (int by_name = cause_by_name(text); by_name >= 0) return by_name;
  if (auto number = parse_int(text); number && *number > 0 && *number < 1000)
    return static_cast<int>(*number);
  return {};
}

bool is_dtmf_digit(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D') ||
         (c >= 'a' && c <= 'd');
}

// "1@500,2@700,#@900": digit@milliseconds after the answer.
std::optional<std::vector<ScriptedDigit>> parse_digits(std::string_view text) {
  std::vector<ScriptedDigit> out;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    std::size_t at = item.find('@');
    if (at != 1 || !is_dtmf_digit(item[0])) return {};
    auto ms = parse_int(item.substr(at + 1));
    if (!ms || *ms < 0) return {};
    char digit = item[0];
    if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
    out.push_back({digit, *ms});
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (out.empty()) return {};
  return out;
}

// Reads the script from the request's variables; `error` names the first bad one.
std::optional<SimScript> parse_script(const OutgoingRequest& request, std::string& error) {
  SimScript script;
  auto delay = [&](std::string_view name, std::int64_t minimum) -> std::optional<std::int64_t> {
    const std::string* v = request_var(request, name);
    if (!v) return {};
    auto ms = parse_int(*v);
    if (!ms || *ms < minimum) {
      error = std::string(name) + "=" + *v;
      return {};
    }
    return ms;
  };
  auto present = [&](std::string_view name) { return request_var(request, name) != nullptr; };

  script.ring_ms = delay("sim_ring_ms", 0);
  script.early_media_ms = delay("sim_early_media_ms", 0);
  if (auto v = delay("sim_answer_ms", -1)) script.answer_ms = *v;
  if (auto v = delay("sim_fail_ms", 0)) script.fail_ms = *v;
  script.hangup_ms = delay("sim_hangup_ms", 0);
  if (!error.empty()) return {};
  if (const std::string* v = request_var(request, "sim_fail_cause")) {
    script.fail_cause = parse_cause(*v);
    if (!script.fail_cause) {
      error = "sim_fail_cause=" + *v;
      return {};
    }
  } else if (present("sim_fail_ms")) {
    error = "sim_fail_ms without sim_fail_cause";
    return {};
  }
  if (const std::string* v = request_var(request, "sim_hangup_cause")) {
    auto c = parse_cause(*v);
    if (!c) {
      error = "sim_hangup_cause=" + *v;
      return {};
    }
    script.hangup_cause = *c;
  }
  if (const std::string* v = request_var(request, "sim_dtmf")) {
    auto digits = parse_digits(*v);
    if (!digits) {
      error = "sim_dtmf=" + *v;
      return {};
    }
    script.digits = std::move(*digits);
  }
  if (const std::string* v = request_var(request, "sim_play")) script.play = *v;
  return script;
}

class SimDriver final : public ChannelDriver {
 public:
  SimDriver(SimScript script, std::unique_ptr<media::AudioSource> audio)
      : script_(std::move(script)), audio_(std::move(audio)) {}

  asio::awaitable<void> on_consume_media(Session& session) override {
    // A leg can come back to CONSUME_MEDIA; the far end follows its script once.
    if (started_.exchange(true)) co_return;
    const std::int64_t start = session.now_monotonic_us();
    if (script_.ring_ms) {
      at(session, start + *script_.ring_ms * 1000, [](Session& s) { s.mark_ring_ready(); });
    }
    if (script_.early_media_ms) {
      at(session, start + *script_.early_media_ms * 1000, [this](Session& s) {
        if (s.mark_pre_answered()) start_audio(s);
      });
    }
    if (script_.fail_cause) {
      int fail_cause = *script_.fail_cause;
      at(session, start + script_.fail_ms * 1000,
         [fail_cause](Session& s) { s.hangup(fail_cause); });
    } else if (script_.answer_ms >= 0) {
      at(session, start + script_.answer_ms * 1000, [this](Session& s) { on_far_end_answer(s); });
    }
    co_return;
  }

  void on_hangup(Session& session) override {
    std::vector<PendingTimer> pending;
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
      pending.swap(timers_);
    }
    for (const auto& t : pending) session.core().timers().cancel(t.id);
    session.set_variable("sim_frames_received", std::to_string(frames_received_.load()));
  }

  void send_dtmf(Session& session, const Dtmf& dtmf) override {
    std::lock_guard lock(mutex_);
    std::string received = session.variable("sim_dtmf_received").value_or("");
    received += dtmf.digit;
    session.set_variable("sim_dtmf_received", received);
  }

  void write_frame(Session&, const media::Frame&) override { frames_received_.fetch_add(1); }

 private:
  using Step = std::function<void(Session&)>;
  struct PendingTimer {
    core::Timers::Id id;
    std::int64_t deadline_us;
  };

  // Runs `step` when the switch clock reaches `deadline_us` (at once if it has), unless the
  // leg has hung up by then.
  void at(Session& session, std::int64_t deadline_us, Step step) {
    if (deadline_us <= session.now_monotonic_us()) {
      if (session.up()) step(session);
      return;
    }
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    // Only timers still pending need cancelling at hangup; forget the fired ones.
    std::int64_t now = session.now_monotonic_us();
    std::erase_if(timers_, [now](const PendingTimer& t) { return t.deadline_us < now; });
    std::weak_ptr<Session> weak = session.weak_from_this();
    core::Timers::Id id =
        session.core().timers().call_at(deadline_us, [weak, step = std::move(step)] {
          if (SessionPtr s = weak.lock(); s && s->up()) step(*s);
        });
    timers_.push_back({id, deadline_us});
  }

  void on_far_end_answer(Session& session) {
    if (session.answered() || !session.mark_answered()) return;
    const std::int64_t answered = session.now_monotonic_us();
    for (const ScriptedDigit& d : script_.digits) {
      Dtmf dtmf;
      dtmf.digit = d.digit;
      dtmf.source = "RTP";
      at(session, answered + d.after_answer_ms * 1000,
         [dtmf](Session& s) { s.receive_dtmf(dtmf); });
    }
    start_audio(session);
    if (script_.hangup_ms) {
      int hangup_cause = script_.hangup_cause;
      at(session, answered + *script_.hangup_ms * 1000,
         [hangup_cause](Session& s) { s.hangup(hangup_cause); });
    }
  }

  // Audio flows from early media or the answer, whichever comes first.
  void start_audio(Session& session) {
    if (!audio_ || audio_started_.exchange(true)) return;
    play_frame(session, session.now_monotonic_us() + kFrameUs);
  }

  // The far end's audio: one 20 ms frame each time the clock passes `deadline_us`, the next
  // 20 ms later, until the source ends. A late timer (real time) delivers what is overdue.
  // Only this chain touches audio_, one step at a time.
  void play_frame(Session& session, std::int64_t deadline_us) {
    at(session, deadline_us, [this, deadline_us](Session& s) {
      std::int64_t due = deadline_us;
      do {
        media::Frame frame;
        if (!audio_->read(frame)) return;
        s.receive_frame(frame);
        due += kFrameUs;
      } while (due <= s.now_monotonic_us() && s.up());
      play_frame(s, due);
    });
  }

  const SimScript script_;
  std::unique_ptr<media::AudioSource> audio_;
  std::atomic<bool> started_{false};
  std::atomic<bool> audio_started_{false};
  std::atomic<std::uint64_t> frames_received_{0};
  std::mutex mutex_;  // timers_, stopped_, read-modify-write of sim_dtmf_received
  std::vector<PendingTimer> timers_;
  bool stopped_ = false;
};

class SimEndpoint final : public Endpoint {
 public:
  std::string_view name() const override { return "sim"; }

  OutgoingResult create_outgoing(SwitchCore& core, const OutgoingRequest& request) override {
    // A script the far end cannot follow refuses the call rather than half-running it.
    std::string error;
    std::optional<SimScript> script = parse_script(request, error);
    if (!script) {
      ES_LOG(core.runtime().log(), core::LogLevel::kErr, "sim/{}: invalid {}", request.data, error);
      return {nullptr, cause_by_name("INVALID_NUMBER_FORMAT")};
    }
    std::unique_ptr<media::AudioSource> audio;
    if (!script->play.empty()) {
      media::OpenedSource opened = media::open_audio_source(
          script->play, core.options().sound_dir, [&](const std::string& path) {
            const core::AccessPolicy* refusing = request.rules.refuses_file(path);
            if (refusing) {
              ES_LOG(core.runtime().log(), core::LogLevel::kErr,
                     "sim/{}: play [{}] refused: outside the directories allowed to {}",
                     request.data, path, refusing->who);
            }
            return refusing == nullptr;
          });
      if (!opened.source) {
        ES_LOG(core.runtime().log(), core::LogLevel::kErr, "sim/{}: cannot play {}: {}",
               request.data, script->play, opened.error);
        return {nullptr, cause_by_name("INVALID_NUMBER_FORMAT")};
      }
      audio = std::move(opened.source);
    }
    CallerProfile profile = request.profile;
    profile.source = "mod_sim";
    int cause = 0;
    SessionPtr session = core.create_session(
        Direction::kOutbound, std::make_unique<SimDriver>(std::move(*script), std::move(audio)),
        std::move(profile), request.uuid, &cause);
    if (!session) return {nullptr, cause};
    session->set_name("sim/" + request.data);
    session->set_state(ChannelState::kInit);
    return {session, 0};
  }
};

}  // namespace

std::shared_ptr<Endpoint> make_sim_endpoint() {
  return std::make_shared<SimEndpoint>();
}

}  // namespace es::sw
