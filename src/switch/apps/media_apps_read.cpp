// read and play_and_get_digits (mod_dptools.c; switch_ivr_read, switch_play_and_get_digits,
// switch_ivr_collect_digits_count): a prompt that the first digit interrupts, then digits
// collected with a first-digit and an inter-digit timeout.
#include <fmt/format.h>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/dialplan/dialplan_regex.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using text::c_atol;
using text::separate_string;

constexpr std::size_t kDigitBufferSize = 128;  // FreeSWITCH's digit_buffer

enum class ReadStatus { kSuccess, kTimeout, kTooSmall, kRestart, kFalse };

std::int64_t unsigned_number(std::string_view text) {
  long long v = c_atol(text);
  return v < 0 ? 0 : v;
}

// Adds digits to `buffer` until `max_digits`, a terminator (stored in `terminator`) or a
// timeout: `first_timeout_ms` before the first digit, `digit_timeout_ms` after each one.
asio::awaitable<ReadStatus> collect_digits(Session& s, std::string& buffer, std::size_t max_digits,
                                           std::string_view terminators, char& terminator,
                                           std::int64_t first_timeout_ms,
                                           std::int64_t digit_timeout_ms) {
  terminator = 0;
  if (buffer.size() >= kDigitBufferSize || buffer.size() >= max_digits)
    co_return ReadStatus::kFalse;
  // A terminator already in the buffer (pressed during the prompt) ends the collection.
  if (!terminators.empty()) {
    for (std::size_t i = 0; i < buffer.size(); ++i) {
      if (terminators.find(buffer[i]) != std::string_view::npos) {
        terminator = buffer[i];
        buffer.resize(i);
        co_return ReadStatus::kSuccess;
      }
    }
  }
  std::int64_t effective_ms = 0;
  if (digit_timeout_ms && first_timeout_ms) {
    effective_ms = first_timeout_ms;
  } else if (digit_timeout_ms) {
    effective_ms = digit_timeout_ms;
  } else if (first_timeout_ms) {
    digit_timeout_ms = effective_ms = first_timeout_ms;
  }
  std::int64_t digit_started = s.now_monotonic_us();
  ReadStatus status = ReadStatus::kFalse;
  while (s.ready()) {
    co_await s.process_commands();
    std::int64_t deadline =
        effective_ms ? core::saturating_add(digit_started, core::saturating_mul(effective_ms, 1000))
                     : -1;
    if (effective_ms && s.now_monotonic_us() >= deadline) {
      status = ReadStatus::kTimeout;
      break;
    }
    if (s.has_dtmf()) {
      if (effective_ms) {
        effective_ms = digit_timeout_ms;
        digit_started = s.now_monotonic_us();
      }
      while (auto dtmf = s.dequeue_dtmf()) {
        if (!terminators.empty() && terminators.find(dtmf->digit) != std::string_view::npos) {
          terminator = dtmf->digit;
          co_return ReadStatus::kSuccess;
        }
        buffer += dtmf->digit;
        if (buffer.size() >= kDigitBufferSize || buffer.size() >= max_digits)
          co_return ReadStatus::kSuccess;
      }
      continue;
    }
    co_await media_wait(s, deadline);
  }
  co_return status;
}

struct ReadRequest {
  std::size_t min_digits = 0;
  std::size_t max_digits = 0;
  std::string prompt;
  std::string var_name;
  std::int64_t timeout_ms = 0;
  std::string terminators;
  std::int64_t digit_timeout_ms = 0;
};

// switch_ivr_read: sets read_result, read_terminator_used and (with digits) the variable.
asio::awaitable<ReadStatus> read_digits(Session& s, ReadRequest r, std::string& buffer) {
  bool terminator_required = !r.terminators.empty() && r.terminators[0] == '=';
  if (!r.digit_timeout_ms) r.digit_timeout_ms = r.timeout_ms;
  if (r.max_digits < r.min_digits) r.max_digits = r.min_digits;
  s.set_variable("read_result", "");
  if (!r.var_name.empty()) s.set_variable(r.var_name, "");
  buffer.clear();
  if ((r.min_digits && kDigitBufferSize < r.min_digits) || kDigitBufferSize < r.max_digits) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Buffer too small!");
    co_return ReadStatus::kFalse;
  }

  ReadStatus status = ReadStatus::kSuccess;
  bool skip_result = false;
  if (!r.prompt.empty() && !protocol::iequals(r.prompt, "silence")) {
    PlayOutcome played = co_await play_file(s, r.prompt, DigitMode::kCapture);
    if (played.captured) buffer += played.captured;
    if (played.status == PlayStatus::kNotFound || played.status == PlayStatus::kFalse) {
      status = ReadStatus::kFalse;
      skip_result = true;
    }
  }

  std::size_t len = buffer.size();
  if (!skip_result) {
    char terminator = 0;
    if ((r.min_digits && len < r.min_digits) || len < r.max_digits) {
      status = co_await collect_digits(s, buffer, r.max_digits, r.terminators, terminator,
                                       len ? r.digit_timeout_ms : r.timeout_ms, r.digit_timeout_ms);
    }
    if (terminator) {
      s.set_variable("read_terminator_used", std::string(1, terminator));
      // "+<t>" keeps the terminator in the digits; "x<t>" also asks for a restart.
      std::size_t at = r.terminators.find(terminator);
      if (at != std::string::npos && at >= 1 &&
          (r.terminators[at - 1] == '+' || r.terminators[at - 1] == 'x')) {
        buffer += terminator;
        if (r.terminators[at - 1] == 'x') status = ReadStatus::kRestart;
      }
    } else if (terminator_required) {
      status = ReadStatus::kTooSmall;
    }
    len = buffer.size();
    if (r.min_digits && len < r.min_digits) status = ReadStatus::kTooSmall;
    switch (status) {
      case ReadStatus::kSuccess:
        s.set_variable("read_result", "success");
        break;
      case ReadStatus::kTimeout:
        s.set_variable("read_result", "timeout");
        break;
      default:
        s.set_variable("read_result", "failure");
        break;
    }
  }
  if (status != ReadStatus::kRestart && r.max_digits == 1 && len == 1 &&
      r.terminators.find(buffer[0]) != std::string::npos) {
    buffer.clear();
  }
  if (!r.var_name.empty() && !buffer.empty()) s.set_variable(r.var_name, buffer);
  co_return status;
}

// <min> <max> <file> <var_name> <timeout> <terminators> <digit_timeout>
asio::awaitable<void> read_app(Session& s, std::string arg) {
  if (arg.empty()) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "No arguments specified.");
    co_return;
  }
  auto argv = separate_string(arg, ' ', 7);
  auto at = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string(); };
  long long min_digits = c_atol(at(0));
  long long max_digits = argv.size() > 1 ? c_atol(at(1)) : 0;
  ReadRequest r;
  r.prompt = at(2);
  r.var_name = at(3);
  r.timeout_ms = argv.size() > 4 ? c_atol(at(4)) : 1000;
  r.terminators = at(5);
  r.digit_timeout_ms = argv.size() > 6 ? unsigned_number(at(6)) : 0;
  if (min_digits <= 1) min_digits = 1;
  if (max_digits < min_digits) max_digits = min_digits;
  if (r.timeout_ms <= 1000) r.timeout_ms = 1000;
  if (r.terminators.empty()) r.terminators.assign(1, '#');
  r.min_digits = static_cast<std::size_t>(min_digits);
  r.max_digits = static_cast<std::size_t>(max_digits);
  std::string buffer;
  co_await read_digits(s, std::move(r), buffer);
}

// <min> <max> <tries> <timeout> <terminators> <file> <invalid_file> <var_name> <regexp>
// [<digit_timeout>] ['<failure_ext> [failure_dp [failure_context]]']
asio::awaitable<void> play_and_get_digits_app(Session& s, std::string arg) {
  if (arg.empty()) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "No arguments specified.");
    co_return;
  }
  auto argv = separate_string(arg, ' ', 11);
  auto at = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string(); };
  long long min_digits = c_atol(at(0));
  long long max_digits = argv.size() > 1 ? c_atol(at(1)) : 0;
  long long max_tries = argv.size() > 2 ? c_atol(at(2)) : 0;
  ReadRequest r;
  r.timeout_ms = argv.size() > 3 ? c_atol(at(3)) : 1000;
  r.terminators = at(4);
  r.prompt = at(5);
  std::string bad_input_file = at(6);
  r.var_name = at(7);
  std::string regex = at(8);
  r.digit_timeout_ms = argv.size() > 9 ? unsigned_number(at(9)) : 0;
  std::string transfer_on_failure = at(10);
  if (min_digits <= 0) min_digits = 0;
  if (max_digits < min_digits) max_digits = min_digits;
  if (r.timeout_ms <= 1000) r.timeout_ms = 1000;
  if (r.terminators.empty()) r.terminators.assign(1, '#');
  r.min_digits = static_cast<std::size_t>(min_digits);
  r.max_digits = static_cast<std::size_t>(max_digits);
  // The C code keeps the count unsigned: a negative number of tries is a very large one.
  std::uint32_t tries = static_cast<std::uint32_t>(max_tries);

  std::string invalid_var = r.var_name.empty() ? std::string() : r.var_name + "_invalid";
  if (!regex.empty() && !r.var_name.empty()) s.set_variable(invalid_var, "");

  std::string buffer;
  while (s.ready() && tries) {
    ReadStatus status = co_await read_digits(s, r, buffer);
    if (status == ReadStatus::kRestart) co_return;
    if (status == ReadStatus::kTimeout && buffer.size() >= r.min_digits)
      status = ReadStatus::kSuccess;
    if (r.min_digits == 0 && buffer.empty() && s.variable("read_terminator_used")) co_return;
    if (!(status == ReadStatus::kTooSmall && buffer.empty()) && status == ReadStatus::kSuccess &&
        !buffer.empty()) {
      if (regex.empty()) co_return;
      if (regex_perform(buffer, regex).count > 0) co_return;
      if (!r.var_name.empty()) {
        s.set_variable(r.var_name, "");
        s.set_variable(invalid_var, buffer);
      }
    }
    if (!s.ready()) break;
    co_await play_file(s, bad_input_file, DigitMode::kIgnore);
    --tries;
  }
  if (transfer_on_failure.empty()) co_return;
  auto target = separate_string(transfer_on_failure, ' ', 4);
  if (target.empty()) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "Bad target for PAGD failure: [{}]",
           transfer_on_failure);
    co_return;
  }
  auto part = [&](std::size_t i) { return i < target.size() ? target[i] : std::string(); };
  ES_LOG(s.core().runtime().log(), core::LogLevel::kWarning,
         "PAGD failure! Transfer to: {} / {} / {}", part(0), part(1), part(2));
  s.transfer(part(0), part(1), part(2));
}

}  // namespace

void register_read_apps(ApplicationRegistry& r) {
  add_media_app(r, "read", "<min> <max> <file> <var_name> <timeout> <terminators> <digit_timeout>",
                "Read Digits", read_app);
  add_media_app(r, "play_and_get_digits",
                "\n\t<min> <max> <tries> <timeout> <terminators> <file> <invalid_file> "
                "<var_name> <regexp> [<digit_timeout>] ['<failure_ext> [failure_dp "
                "[failure_context]]']",
                "Play and get Digits", play_and_get_digits_app);
}

}  // namespace es::sw
