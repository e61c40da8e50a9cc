#include "switch/media/tone_script.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "switch/media/frame.hpp"

namespace es::media {
namespace {

constexpr double kVolumeMinDb = -63.0;
constexpr double kVolumeMaxDb = 0.0;
// Keeps ms → samples arithmetic far from overflow; no tone lasts a year.
constexpr std::int64_t kMaxMs = 365LL * 24 * 3600 * 1000;

std::int64_t ms_to_samples(std::int64_t ms) {
  return std::clamp(ms, -kMaxMs, kMaxMs) * kSamplesPerMs;
}

// DTMF digits: low group, high group.
bool dtmf_pair(char digit, double& low, double& high) {
  static constexpr std::string_view kKeys = "123A456B789C*0#D";
  static constexpr double kRows[] = {697.0, 770.0, 859.0, 941.0};
  static constexpr double kCols[] = {1209.0, 1336.0, 1477.0, 1633.0};
  const auto at = kKeys.find(digit);
  if (at == std::string_view::npos) return false;
  low = kRows[at / 4];
  high = kCols[at % 4];
  return true;
}

std::string_view skip_blanks(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                             text[i] == '\n' || text[i] == '\v' || text[i] == '\f')) {
    ++i;
  }
  return text.substr(i);
}

bool is_blank_or_newline(char c) {
  return c == ' ' || c == '\r' || c == '\n';
}

class PassCompiler {
 public:
  PassCompiler(TonePlan& plan, ToneScriptState& state, bool& looping)
      : plan_(plan), state_(state), looping_(looping) {}

  // One pass over the script. Returns false when a forever-repeating tone makes the rest
  // unreachable.
  bool run(std::string_view script) {
    std::size_t cur = 0;
    while (cur < script.size()) {
      if (is_blank_or_newline(script[cur])) {
        ++cur;
        continue;
      }
      const std::size_t semi = script.find(';', cur);
      const std::size_t seg_end = semi == std::string_view::npos ? script.size() : semi;
      const std::string_view segment = script.substr(cur, seg_end - cur);
      if (segment.size() >= 2 && segment[1] == '=') {
        apply_setting(segment[0], segment.substr(2));
      } else {
        switch (tones(segment)) {
          case Outcome::kContinue:
            break;
          case Outcome::kSyntaxError:
            return true;
          case Outcome::kEndless:
            return false;
        }
      }
      cur = semi == std::string_view::npos ? script.size() : semi + 1;
    }
    return true;
  }

 private:
  enum class Outcome { kContinue, kSyntaxError, kEndless };

  void apply_setting(char key, std::string_view value) {
    switch (key) {
      case 'd':
        state_.duration = ms_to_samples(leading_int(value));
        break;
      case 'w':
        state_.wait = ms_to_samples(leading_int(value));
        break;
      case 'v': {
        const double v = leading_double(value);
        if (v <= kVolumeMaxDb && v >= kVolumeMinDb) state_.volume_db = v;
        break;
      }
      case '>':
        state_.decay_step = ms_to_samples(leading_int(value));
        state_.decay_direction = -1;
        break;
      case '<':
        state_.decay_step = ms_to_samples(leading_int(value));
        state_.decay_direction = 1;
        break;
      case '+':
        state_.decay_factor = leading_double(value);
        break;
      case 'l':
        state_.loops = leading_int(value);
        break;
      case 'L':
        if (!looping_) {
          const std::int64_t n = leading_int(value);
          if (n > 0) {
            state_.script_loops = n;
            looping_ = true;
          }
        }
        break;
      default:
        break;  // c=, r= and unknown letters: nothing to do at a fixed format
    }
  }

  Outcome tones(std::string_view segment) {
    std::size_t cur = 0;
    while (cur < segment.size()) {
      const char c = segment[cur];
      if (is_blank_or_newline(c)) {
        ++cur;
        continue;
      }
      ToneStep step;
      std::int64_t on = -1;
      std::int64_t off = -1;
      std::size_t next = cur + 1;
      bool have_step = false;

      if (cur + 1 < segment.size() && segment[cur + 1] == '(') {
        const std::size_t open = cur + 2;
        const std::size_t close = segment.find(')', open);
        const std::string_view inside = segment.substr(
            open, close == std::string_view::npos ? std::string_view::npos : close - open);
        next = close == std::string_view::npos ? segment.size() : close + 1;
        int fields = 0;
        std::size_t pos = 0;
        for (;;) {
          const std::size_t comma = inside.find(',', pos);
          const std::string_view field =
              inside.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
          if (fields == 0) {
            on = ms_to_samples(leading_int(field));
          } else if (fields == 1) {
            off = ms_to_samples(leading_int(field));
          } else {
            step.freqs[static_cast<std::size_t>(fields - 2)] = leading_double(field);
          }
          ++fields;
          if (comma == std::string_view::npos || fields - 2 >= kMaxToneFrequencies) break;
          pos = comma + 1;
        }
        if (fields > 2 && c == '%') {
          have_step = true;
        } else if (fields != 2 || c == '%') {
          return Outcome::kSyntaxError;
        }
      }
      if (!have_step) {
        double low = 0;
        double high = 0;
        if (dtmf_pair(c, low, high)) {
          step.freqs[0] = low;
          step.freqs[1] = high;
          have_step = true;
        }
      }
      if (have_step && step.freqs[0] != 0.0) {
        if (!add_step(step, on, off)) return Outcome::kEndless;
      }
      cur = next;
    }
    return Outcome::kContinue;
  }

  bool add_step(ToneStep& step, std::int64_t on, std::int64_t off) {
    // Frequencies count up to the first zero; a negative first one leaves only the gap.
    int count = 0;
    while (count < kMaxToneFrequencies && step.freqs[static_cast<std::size_t>(count)] != 0.0)
      ++count;
    step.freq_count = step.freqs[0] > 0.0 ? count : 0;
    step.on_samples =
        step.freq_count > 0 ? std::max<std::int64_t>(on > -1 ? on : state_.duration, 0) : 0;
    step.off_samples = std::max<std::int64_t>(off > -1 ? off : state_.wait, 0);
    step.volume_db = state_.volume_db;
    step.decay_step = state_.decay_step;
    step.decay_direction = state_.decay_direction;
    step.decay_factor = state_.decay_factor;
    if (state_.loops < 0) {
      step.repeat = -1;
    } else {
      step.repeat = std::max<std::int64_t>(state_.loops, 1);
      state_.loops = 0;
    }
    plan_.steps.push_back(step);
    return step.repeat >= 0 || step.on_samples + step.off_samples == 0;
  }

  TonePlan& plan_;
  ToneScriptState& state_;
  bool& looping_;
};

}  // namespace

std::int64_t leading_int(std::string_view text) {
  text = skip_blanks(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return !text.empty() && text[0] == '-' ? std::numeric_limits<std::int64_t>::min() / 2
                                           : std::numeric_limits<std::int64_t>::max() / 2;
  }
  (void)ptr;
  return ec == std::errc() ? value : 0;
}

double leading_double(std::string_view text) {
  text = skip_blanks(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  (void)ptr;
  return ec == std::errc() ? value : 0.0;
}

void compile_tone_script(std::string_view script, TonePlan& plan, ToneScriptState& state) {
  bool looping = false;
  const std::size_t first = plan.steps.size();
  PassCompiler compiler(plan, state, looping);
  const bool reached_end = compiler.run(script);
  plan.blocks.push_back({first, plan.steps.size() - first, 1});
  if (!reached_end) return;

  // Later passes start from the settings the first one left behind, and every setting is a
  // plain assignment, so passes two to L are all alike: compile one and repeat it.
  if (state.script_loops > 1) {
    const std::int64_t more = state.script_loops - 1;
    const std::size_t second = plan.steps.size();
    PassCompiler again(plan, state, looping);
    again.run(script);
    plan.blocks.push_back({second, plan.steps.size() - second, more});
  }
  state.script_loops = 0;
}

}  // namespace es::media
