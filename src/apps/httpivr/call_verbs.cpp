// The verbs that run switch applications: each maps onto the applications eventswitch and
// FreeSWITCH share (playback, play_and_get_digits, record, bridge, set, say) and leaves its
// result in result_ for the next request. Values from the webhook end up in application
// arguments and channel variables, so anything that could split an argument or add a line is
// refused.
#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "apps/httpivr/call_flow.hpp"
#include "protocol/header_fields.hpp"

namespace es::apps::httpivr {
namespace {

// One application argument word: no spaces, no line breaks, not empty.
bool plain_word(std::string_view text) {
  return !text.empty() && text.find_first_of(" \t\r\n") == std::string_view::npos;
}

bool one_line(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos;
}

// A whole number of `name` within [low, high]; `fallback` when absent; nullopt when invalid.
std::optional<long long> bounded(const JsonValue& verb, std::string_view name, long long fallback,
                                 long long low, long long high) {
  if (verb.member(name) == nullptr) return fallback;
  std::optional<double> n = verb.number(name);
  if (!n || std::trunc(*n) != *n || *n < static_cast<double>(low) ||
      *n > static_cast<double>(high)) {
    return std::nullopt;
  }
  return static_cast<long long>(*n);
}

// A verb the webhook got wrong: run_verbs turns it into a fault.
struct VerbError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

long long need(std::optional<long long> value, std::string_view what) {
  if (!value) throw VerbError(fmt::format("invalid {}", what));
  return *value;
}

// jambonz's dial_status for a failed originate's cause.
std::string dial_status_of(std::string_view cause) {
  if (cause == "USER_BUSY") return "busy";
  if (cause == "NO_ANSWER" || cause == "NO_USER_RESPONSE" || cause == "ALLOTTED_TIMEOUT") {
    return "no-answer";
  }
  return "failed";
}

}  // namespace

asio::awaitable<client::Event> CallFlow::execute(std::string app, std::string arg) {
  co_return co_await session_->execute(std::move(app), std::move(arg));
}

asio::awaitable<std::string> CallFlow::playable(const std::string& url) {
  if (!MediaCache::is_remote(url)) co_return url;
  std::optional<std::string> local = co_await media_.local_path(url, call_id_);
  if (!local) throw VerbError("cannot fetch " + url);
  co_return *local;
}

asio::awaitable<void> CallFlow::verb_play(const JsonValue& verb) {
  std::optional<std::string> url = verb.text("url");
  if (!url || !plain_word(*url)) throw VerbError("play without a url");
  long long loops = need(bounded(verb, "loop", 1, 1, kMaxPlayLoops), "loop");
  std::string file = co_await playable(*url);
  for (long long i = 0; i < loops && !hung_up(); ++i) co_await execute("playback", file);
}

asio::awaitable<void> CallFlow::verb_say(const JsonValue& verb) {
  std::optional<std::string> text = verb.text("text");
  if (!text || !one_line(*text)) throw VerbError("say without text");
  if (settings_.say_module.empty()) {
    // eventswitch has no say application; running an unknown one would hang the call up.
    fmt::print(stderr, "httpivr: {} say skipped (no --say-module): {}\n", call_id_, *text);
    co_return;
  }
  std::string type = verb.text("say_type").value_or("NUMBER");
  std::string method = verb.text("say_method").value_or("pronounced");
  if (!plain_word(type) || !plain_word(method)) throw VerbError("say_type/say_method");
  co_await execute("say", fmt::format("{} {} {} {}", settings_.say_module, type, method, *text));
}

asio::awaitable<void> CallFlow::verb_gather(const JsonValue& verb) {
  long long num = need(bounded(verb, "num_digits", 0, 0, 128), "num_digits");
  long long min = need(bounded(verb, "min_digits", num > 0 ? num : 1, 1, 128), "min_digits");
  long long max = need(bounded(verb, "max_digits", num > 0 ? num : 20, 1, 128), "max_digits");
  if (max < min) throw VerbError("max_digits below min_digits");
  long long timeout = need(bounded(verb, "timeout", 5, 1, 3600), "timeout");
  long long tries = need(bounded(verb, "tries", 1, 1, 10), "tries");
  std::string terminators = verb.text("finish_on_key").value_or("#");
  std::string regex = verb.text("regex").value_or("\\d+");
  std::string prompt = "silence_stream://250";
  if (const JsonValue* play = verb.member("play")) {
    std::optional<std::string> url = play->text("url");
    if (!url) throw VerbError("gather's play without a url");
    prompt = *url;
  }
  if (!plain_word(terminators) || !plain_word(regex) || !plain_word(prompt)) {
    throw VerbError("gather's finish_on_key, regex or play url");
  }
  prompt = co_await playable(prompt);
  std::string arg = fmt::format("{} {} {} {} {} {} silence_stream://10 httpivr_digits_{} {}", min,
                                max, tries, timeout * 1000, terminators, prompt, verbs_run_, regex);
  if (verb.member("inter_digit_timeout") != nullptr) {
    arg += fmt::format(
        " {}",
        need(bounded(verb, "inter_digit_timeout", 0, 1, 3600), "inter_digit_timeout") * 1000);
  }
  client::Event done = co_await execute("play_and_get_digits", arg);
  std::string digits(done.header_or(fmt::format("variable_httpivr_digits_{}", verbs_run_)));
  result_.clear();
  result_.text.emplace_back("digits", digits);
  result_.text.emplace_back("reason", digits.empty() ? "timeout" : "dtmfDetected");
}

asio::awaitable<void> CallFlow::verb_record(const JsonValue& verb) {
  long long max_length = need(bounded(verb, "max_length", 60, 1, 3600), "max_length");
  long long silence = need(bounded(verb, "timeout", 0, 0, 3600), "timeout");
  std::string terminators = verb.text("finish_on_key").value_or("#");
  if (!plain_word(terminators)) throw VerbError("finish_on_key");
  std::string path = fmt::format("{}/{}-{}.wav", settings_.record_dir, call_id_, verbs_run_);
  co_await execute("set", "playback_terminators=" + terminators);
  std::string arg = fmt::format("{} {}", path, max_length);
  // 200 is FreeSWITCH's customary energy threshold for "silence".
  if (silence > 0) arg += fmt::format(" 200 {}", silence);
  client::Event done = co_await execute("record", arg);
  long long ms = std::atoll(std::string(done.header_or("variable_record_ms", "0")).c_str());
  result_.clear();
  result_.text.emplace_back("recording_path", path);
  result_.text.emplace_back("finish_key", done.header_or("variable_playback_terminator_used"));
  result_.numbers.emplace_back("duration", (ms + 500) / 1000);
  result_.numbers.emplace_back("duration_ms", ms);
}

asio::awaitable<void> CallFlow::verb_dial(const JsonValue& verb) {
  std::optional<std::string> target = verb.text("target");
  if (!target || !plain_word(*target)) throw VerbError("dial without a target");
  long long timeout = need(bounded(verb, "timeout", 30, 1, 3600), "timeout");
  std::string vars = fmt::format("originate_timeout={}", timeout);
  if (std::optional<std::string> caller_id = verb.text("caller_id")) {
    if (!plain_word(*caller_id) || caller_id->find_first_of(",}") != std::string::npos) {
      throw VerbError("caller_id");
    }
    vars += ",origination_caller_id_number=" + *caller_id;
  }
  std::string dial =
      target->starts_with("{") ? "{" + vars + "," + target->substr(1) : "{" + vars + "}" + *target;
  co_await execute("set", "originate_failed_cause=");  // a previous dial's failure is not ours
  client::Event done = co_await execute("bridge", dial);
  std::string failed(done.header_or("variable_originate_failed_cause"));
  result_.clear();
  if (failed.empty()) {
    result_.text.emplace_back("dial_status", "completed");
    std::string_view cause = done.header_or("variable_last_bridge_hangup_cause");
    if (cause.empty()) cause = done.header_or("variable_bridge_hangup_cause");
    result_.text.emplace_back("hangup_cause", cause);
  } else {
    result_.text.emplace_back("dial_status", dial_status_of(failed));
    result_.text.emplace_back("hangup_cause", failed);
  }
}

asio::awaitable<bool> CallFlow::verb_set(const JsonValue& verb) {
  const JsonValue* variables = verb.member("variables");
  if (variables == nullptr || variables->as_object() == nullptr) co_return false;
  if (variables->as_object()->size() > kMaxVerbsPerResponse) co_return false;
  for (const auto& [name, value] : *variables->as_object()) {
    std::optional<std::string> text = variables->text(name);
    if (!text || !protocol::valid_header_name(name) || !one_line(*text) ||
        name.find('=') != std::string::npos) {
      co_return false;
    }
    co_await execute("set", name + "=" + *text);
  }
  co_return true;
}

}  // namespace es::apps::httpivr
