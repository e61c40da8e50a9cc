// Fuzzes the dialplans' condition machinery: PCRE2 / "_" / "/re/flags" expressions and "$1"
// substitution, the time-of-day predicates, the XML dialplan hunt and the inline dialplan.
// Fields: subject, expression, substitution data, XML contexts (inside <section
// name="dialplan">), inline dialplan text. Flags pick the substitution limit and the clock.
#include <pugixml.hpp>

#include <cstdint>
#include <string>

#include "fuzz_fields.hpp"
#include "switch/dialplan/dialplan_regex.hpp"
#include "switch/dialplan/inline_dialplan.hpp"
#include "switch/dialplan/tests/fake_routing_channel.hpp"
#include "switch/dialplan/time_condition.hpp"
#include "switch/dialplan/xml_dialplan.hpp"

using es::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  auto in = es::fuzz::read_fields<5>(input, size);
  std::string_view subject = in.field[0], expression = in.field[1], data = in.field[2];

  std::string error;
  es::sw::RegexMatch match = es::sw::regex_perform(subject, expression, &error);
  require(match.count >= 0);
  require(match.count == 0 || match.spans.size() >= static_cast<std::size_t>(match.count));
  // A finite limit, as the XML dialplan passes (FreeSWITCH's buffer size), so the output
  // bound can be checked against it.
  std::size_t count = static_cast<std::size_t>(match.count > 0 ? match.count : 1);
  std::size_t limit =
      (in.flags & 1) ? std::size_t{in.flags} * 4 : (data.size() + subject.size() + 10) * count - 1;
  std::string substituted = es::sw::perform_substitution(match, data, limit);
  require(substituted.size() <= limit);
  (void)es::sw::captured_groups(match, match.count);
  (void)es::sw::asterisk_to_regex(expression);

  // Friday 2024-03-15 14:30:45 UTC, moved by the flags so date boundaries get visited.
  std::int64_t now_us = (1710513045LL + std::int64_t{in.flags} * 86399) * 1000000;
  (void)es::sw::number_matches(expression, static_cast<int>(subject.size()));
  (void)es::sw::weekday_matches(expression, in.flags % 7 + 1);
  (void)es::sw::time_of_day_matches(expression, static_cast<int>(subject.size()) * 37);
  (void)es::sw::date_time_matches(expression, now_us);
  (void)es::sw::parse_local_time(expression, now_us);

  es::sw::testing::FakeRoutingChannel channel;
  channel.profile = {{"destination_number", std::string(subject)},
                     {"context", (in.flags & 2) ? "default" : ""},
                     {"caller_id_number", "2001"},
                     {"caller_id_name", std::string(data)}};
  channel.now_us = now_us;
  if (!in.field[3].empty()) {
    std::string xml = "<section name=\"dialplan\">" + std::string(in.field[3]) + "</section>";
    pugi::xml_document doc;
    if (doc.load_buffer(xml.data(), xml.size())) {
      (void)es::sw::xml_dialplan_hunt(doc.child("section"), channel);
    }
  }
  (void)es::sw::inline_dialplan_hunt(in.field[4], channel);
  return 0;
}
