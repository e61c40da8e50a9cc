// The request/verbs loop of one call, its faults and its end.
#include "apps/httpivr/call_flow.hpp"

#include <fmt/core.h>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <stdexcept>

#include "protocol/header_fields.hpp"

namespace es::apps::httpivr {
namespace {

using namespace std::chrono_literals;
using client::ClientError;

// jambonz's call_status values from the channel's answer state.
std::string call_status_of(std::string_view answer_state) {
  if (answer_state == "answered") return "in-progress";
  if (answer_state == "early") return "early-media";
  if (answer_state == "ringing") return "ringing";
  return "trying";
}

}  // namespace

CallFlow::CallFlow(std::unique_ptr<client::OutboundSession> session, const IvrSettings& settings,
                   WebhookClient& webhooks, MediaCache& media, IvrCounters& counters)
    : session_(std::move(session)),
      settings_(settings),
      webhooks_(webhooks),
      media_(media),
      counters_(counters) {}

void CallFlow::HangupWatch::on_event(const client::Event& event) {
  std::string_view name = event.name();
  if (name == "CHANNEL_HANGUP" || name == "CHANNEL_HANGUP_COMPLETE") {
    {
      std::lock_guard lock(mutex);
      if (cause.empty()) cause = event.header_or("Hangup-Cause");
    }
    hung_up.store(true, std::memory_order_release);
  }
}

std::string CallFlow::hangup_cause() const {
  std::lock_guard lock(watch_->mutex);
  return watch_->cause;
}

asio::awaitable<void> CallFlow::run() {
  ++counters_.active;
  try {
    co_await drive();
  } catch (const std::exception& e) {
    // The channel hung up under a command, or the switch closed the socket: the call is over.
    fmt::print(stderr, "httpivr: {} call ended during a command: {}\n", call_id_, e.what());
  }
  try {
    co_await finish();
  } catch (const std::exception& e) {
    fmt::print(stderr, "httpivr: {} ending the call: {}\n", call_id_, e.what());
  }
  --counters_.active;
  ++counters_.finished;
  fmt::print(stderr, "httpivr: {} ended ({}); calls active {}, webhook requests pending {}\n",
             call_id_, hangup_cause(), counters_.active.load(), webhooks_.pending());
}

asio::awaitable<void> CallFlow::drive() {
  session_->connection().set_event_handler(
      [watch = watch_](const client::Event& e) { watch->on_event(e); });
  client::Event channel = co_await session_->connect();
  call_id_ = session_->uuid();
  co_await session_->myevents();
  // Lingering keeps the socket open past the hangup, so the hangup events reach us and the
  // status callback can report the cause; bounded so a stuck call cannot hold it forever.
  co_await session_->linger(settings_.linger);
  next_url_ = std::string(channel.header_or("variable_httpivr_url", settings_.url));
  while (!hung_up()) {
    std::optional<JsonValue::Array> verbs = co_await fetch_verbs(next_url_);
    if (hung_up()) {
      fmt::print(stderr, "httpivr: {} caller hung up during the request; its answer is dropped\n",
                 call_id_);
      co_return;
    }
    if (!verbs) {
      co_await fault("no usable answer from the webhook");
      co_return;
    }
    Next next = co_await run_verbs(*verbs);
    if (next == Next::kFault) {
      // Bad verbs get the fallback once per call: a fallback answering bad verbs itself must
      // not loop.
      if (!settings_.fallback_url.empty() && !verb_fallback_used_) {
        verb_fallback_used_ = true;
        fmt::print(stderr, "httpivr: {} bad verbs: asking the fallback\n", call_id_);
        next_url_ = settings_.fallback_url;
        continue;
      }
      co_await fault("the webhook's verbs could not be run");
      co_return;
    }
    if (next == Next::kEnd) co_return;
  }
}

asio::awaitable<std::string> CallFlow::request_body(const char* status) {
  const client::Event& channel = session_->channel_data();
  JsonObjectWriter variables;
  for (const std::string& name : settings_.variables) {
    if (hung_up() || !protocol::valid_header_name(name)) continue;
    variables.add(name, co_await session_->getvar(name));
  }
  JsonObjectWriter body;
  body.add("call_id", call_id_)
      .add("direction", channel.header_or("Call-Direction"))
      .add("from", channel.header_or("Caller-Caller-ID-Number"))
      .add("to", channel.header_or("Caller-Destination-Number"))
      .add("call_status", status != nullptr ? std::string(status)
                                            : call_status_of(channel.header_or("Answer-State")))
      .add_raw("variables", variables.finish());
  for (const auto& [name, value] : result_.text) body.add(name, value);
  for (const auto& [name, value] : result_.numbers) body.add_number(name, value);
  if (!echo_.empty()) {
    JsonObjectWriter echo;
    for (const auto& [name, value] : echo_) echo.add(name, value);
    body.add_raw("echo", echo.finish());
  }
  co_return body.finish();
}

asio::awaitable<std::optional<JsonValue::Array>> CallFlow::fetch_verbs(const std::string& url) {
  std::string body = co_await request_body(nullptr);
  result_.clear();  // posted once
  std::string target = url;
  for (int pass = 0; pass < 2; ++pass) {
    WebhookResult answer = co_await webhooks_.post(target, body, [this] { return hung_up(); });
    fmt::print(stderr, "httpivr: {} POST {} -> {} in {:.1f} ms (attempts {})\n", call_id_, target,
               answer.ok() ? std::to_string(answer.status) : answer.error,
               static_cast<double>(answer.latency.count()) / 1000.0, answer.attempts);
    if (hung_up()) co_return std::nullopt;
    if (answer.ok()) {
      std::optional<JsonValue> document = parse_json(answer.body);
      if (document && document->as_array() != nullptr) {
        co_return *document->as_array();
      }
      fmt::print(stderr, "httpivr: {} {} answered with no JSON array of verbs\n", call_id_, target);
    }
    if (pass == 1 || settings_.fallback_url.empty()) break;
    target = settings_.fallback_url;
  }
  co_return std::nullopt;
}

asio::awaitable<CallFlow::Next> CallFlow::run_verbs(const JsonValue::Array& verbs) {
  if (verbs.size() > kMaxVerbsPerResponse) {
    fmt::print(stderr, "httpivr: {} {} verbs in one answer (at most {})\n", call_id_, verbs.size(),
               kMaxVerbsPerResponse);
    co_return Next::kFault;
  }
  for (const JsonValue& verb : verbs) {
    if (hung_up()) co_return Next::kEnd;
    Next next = Next::kFault;
    try {
      next = co_await run_verb(verb);
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "httpivr: {} bad verb: {}\n", call_id_, e.what());
      co_return Next::kFault;
    }
    ++verbs_run_;
    if (hung_up()) co_return Next::kEnd;
    if (next != Next::kContinue) co_return next;
  }
  // Out of verbs: the call is over (as with TwiML and jambonz).
  co_await session_->hangup("NORMAL_CLEARING");
  co_return Next::kEnd;
}

asio::awaitable<CallFlow::Next> CallFlow::run_verb(const JsonValue& verb) {
  std::optional<std::string> name = verb.text("verb");
  if (!name) co_return Next::kFault;
  if (const JsonValue* echo = verb.member("echo"); echo != nullptr && echo->as_object()) {
    echo_.clear();
    for (const auto& [key, value] : *echo->as_object()) {
      if (const std::string* s = value.as_string()) echo_.emplace_back(key, *s);
    }
  }
  const std::string& v = *name;
  if (v == "redirect") {
    std::optional<std::string> url = verb.text("url");
    if (!url) url = verb.text("action_hook");
    if (!url || ++redirects_ > kMaxRedirectChain) {
      fmt::print(stderr, "httpivr: {} redirect without url or past {} in a row\n", call_id_,
                 kMaxRedirectChain);
      co_return Next::kFault;
    }
    next_url_ = *url;
    co_return Next::kRequest;
  }
  redirects_ = 0;
  if (v == "answer") {
    co_await execute("answer");
  } else if (v == "play") {
    co_await verb_play(verb);
  } else if (v == "say") {
    co_await verb_say(verb);
  } else if (v == "gather") {
    co_await verb_gather(verb);
  } else if (v == "record") {
    co_await verb_record(verb);
  } else if (v == "dial") {
    co_await verb_dial(verb);
  } else if (v == "set") {
    if (!co_await verb_set(verb)) co_return Next::kFault;
  } else if (v == "pause") {
    double seconds = verb.number("length").value_or(1.0);
    if (seconds < 0 || seconds > 3600) co_return Next::kFault;
    co_await execute("sleep", std::to_string(static_cast<long long>(seconds * 1000)));
  } else if (v == "transfer") {
    std::optional<std::string> target = verb.text("target");
    if (!target || target->find_first_of(" \r\n") != std::string::npos) co_return Next::kFault;
    std::string context = verb.text("context").value_or("default");
    if (context.empty() || context.find_first_of(" \r\n") != std::string::npos) {
      co_return Next::kFault;
    }
    co_await execute("transfer", fmt::format("{} XML {}", *target, context));
    // The call has left us for the dialplan: nothing more to run, no hangup of ours.
    co_return Next::kEnd;
  } else if (v == "hangup") {
    std::string cause = verb.text("cause").value_or("NORMAL_CLEARING");
    // The cause becomes a sendmsg header value: a cause name or number, nothing else.
    if (cause.empty() || cause.size() > 64 ||
        cause.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
            std::string::npos) {
      co_return Next::kFault;
    }
    co_await session_->hangup(cause);
    co_return Next::kEnd;
  } else {
    fmt::print(stderr, "httpivr: {} unknown verb \"{}\"\n", call_id_, v);
    co_return Next::kFault;
  }
  if (std::optional<std::string> hook = verb.text("action_hook")) {
    next_url_ = *hook;
    co_return Next::kRequest;
  }
  co_return Next::kContinue;
}

asio::awaitable<void> CallFlow::fault(const std::string& why) {
  fmt::print(stderr, "httpivr: {} fault: {}; {}\n", call_id_, why,
             settings_.apology.empty() ? "hanging up" : "apologising, then hanging up");
  if (hung_up()) co_return;
  if (!settings_.apology.empty()) co_await execute("playback", settings_.apology);
  if (!hung_up()) co_await session_->hangup(settings_.fault_cause);
}

asio::awaitable<void> CallFlow::finish() {
  auto executor = co_await asio::this_coro::executor;
  // The hangup's events may still be on their way: wait a little for the cause.
  for (int i = 0; i < 250 && !hung_up() && session_->connection().is_open(); ++i) {
    asio::steady_timer timer(executor, 20ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  if (!settings_.status_url.empty() && !call_id_.empty()) {
    result_.clear();
    std::string cause = hangup_cause();
    if (!cause.empty()) result_.text.emplace_back("hangup_cause", cause);
    const client::Event& channel = session_->channel_data();
    JsonObjectWriter body;
    body.add("call_id", call_id_)
        .add("direction", channel.header_or("Call-Direction"))
        .add("from", channel.header_or("Caller-Caller-ID-Number"))
        .add("to", channel.header_or("Caller-Destination-Number"))
        .add("call_status", "completed");
    if (!cause.empty()) body.add("hangup_cause", cause);
    WebhookResult answer = co_await webhooks_.post(settings_.status_url, body.finish());
    fmt::print(stderr, "httpivr: {} POST {} -> {} in {:.1f} ms (status callback)\n", call_id_,
               settings_.status_url, answer.ok() ? std::to_string(answer.status) : answer.error,
               static_cast<double>(answer.latency.count()) / 1000.0);
  }
  if (session_->connection().is_open()) co_await session_->connection().disconnect();
}

}  // namespace es::apps::httpivr
