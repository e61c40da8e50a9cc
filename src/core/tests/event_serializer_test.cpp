#include "core/event_serializer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/frames.hpp"

namespace es::core {
namespace {

using protocol::EventFormat;

// Expected serializations of two events built from fixed values, a HEARTBEAT and a
// BACKGROUND_JOB with a body, in the formats of docs/event-formats.md §4 (the frames'
// Content-Length values 866/895/1527 and 620/655/1062 are checked below).
constexpr std::string_view kHeartbeatPlain = R"EXP(Event-Name: HEARTBEAT
Core-UUID: 6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21
FreeSWITCH-Hostname: pbx1
FreeSWITCH-Switchname: pbx1
FreeSWITCH-IPv4: 192.0.2.10
FreeSWITCH-IPv6: %3A%3A1
Event-Date-Local: 2025-03-04%2010%3A20%3A30
Event-Date-GMT: Tue,%2004%20Mar%202025%2010%3A20%3A30%20GMT
Event-Date-Timestamp: 1741083630123456
Event-Calling-File: switch_core.c
Event-Calling-Function: send_heartbeat
Event-Calling-Line-Number: 95
Event-Sequence: 4521
Event-Info: System%20Ready
Up-Time: 0%20years,%200%20days,%201%20hour,%202%20minutes,%203%20seconds,%20456%20milliseconds,%20789%20microseconds
FreeSWITCH-Version: 1.11.3-dev~64bit
Uptime-msec: 3723456
Session-Count: 0
Max-Sessions: 1000
Session-Per-Sec: 30
Session-Per-Sec-Last: 0
Session-Per-Sec-Max: 1
Session-Per-Sec-FiveMin: 0
Session-Since-Startup: 3
Session-Peak-Max: 2
Session-Peak-FiveMin: 0
Idle-CPU: 98.700000

)EXP";

constexpr std::string_view kHeartbeatJson =
    R"EXP({"Event-Name":"HEARTBEAT","Core-UUID":"6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21","FreeSWITCH-Hostname":"pbx1","FreeSWITCH-Switchname":"pbx1","FreeSWITCH-IPv4":"192.0.2.10","FreeSWITCH-IPv6":"::1","Event-Date-Local":"2025-03-04 10:20:30","Event-Date-GMT":"Tue, 04 Mar 2025 10:20:30 GMT","Event-Date-Timestamp":"1741083630123456","Event-Calling-File":"switch_core.c","Event-Calling-Function":"send_heartbeat","Event-Calling-Line-Number":"95","Event-Sequence":"4521","Event-Info":"System Ready","Up-Time":"0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 456 milliseconds, 789 microseconds","FreeSWITCH-Version":"1.11.3-dev~64bit","Uptime-msec":"3723456","Session-Count":"0","Max-Sessions":"1000","Session-Per-Sec":"30","Session-Per-Sec-Last":"0","Session-Per-Sec-Max":"1","Session-Per-Sec-FiveMin":"0","Session-Since-Startup":"3","Session-Peak-Max":"2","Session-Peak-FiveMin":"0","Idle-CPU":"98.700000"})EXP";

constexpr std::string_view kHeartbeatXml = R"EXP(<event>
  <headers>
    <Event-Name>HEARTBEAT</Event-Name>
    <Core-UUID>6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21</Core-UUID>
    <FreeSWITCH-Hostname>pbx1</FreeSWITCH-Hostname>
    <FreeSWITCH-Switchname>pbx1</FreeSWITCH-Switchname>
    <FreeSWITCH-IPv4>192.0.2.10</FreeSWITCH-IPv4>
    <FreeSWITCH-IPv6>%3A%3A1</FreeSWITCH-IPv6>
    <Event-Date-Local>2025-03-04%2010%3A20%3A30</Event-Date-Local>
    <Event-Date-GMT>Tue,%2004%20Mar%202025%2010%3A20%3A30%20GMT</Event-Date-GMT>
    <Event-Date-Timestamp>1741083630123456</Event-Date-Timestamp>
    <Event-Calling-File>switch_core.c</Event-Calling-File>
    <Event-Calling-Function>send_heartbeat</Event-Calling-Function>
    <Event-Calling-Line-Number>95</Event-Calling-Line-Number>
    <Event-Sequence>4521</Event-Sequence>
    <Event-Info>System%20Ready</Event-Info>
    <Up-Time>0%20years,%200%20days,%201%20hour,%202%20minutes,%203%20seconds,%20456%20milliseconds,%20789%20microseconds</Up-Time>
    <FreeSWITCH-Version>1.11.3-dev~64bit</FreeSWITCH-Version>
    <Uptime-msec>3723456</Uptime-msec>
    <Session-Count>0</Session-Count>
    <Max-Sessions>1000</Max-Sessions>
    <Session-Per-Sec>30</Session-Per-Sec>
    <Session-Per-Sec-Last>0</Session-Per-Sec-Last>
    <Session-Per-Sec-Max>1</Session-Per-Sec-Max>
    <Session-Per-Sec-FiveMin>0</Session-Per-Sec-FiveMin>
    <Session-Since-Startup>3</Session-Since-Startup>
    <Session-Peak-Max>2</Session-Peak-Max>
    <Session-Peak-FiveMin>0</Session-Peak-FiveMin>
    <Idle-CPU>98.700000</Idle-CPU>
  </headers>
</event>
)EXP";

constexpr std::string_view kBackgroundJobPlain = R"EXP(Event-Name: BACKGROUND_JOB
Core-UUID: 6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21
FreeSWITCH-Hostname: pbx1
FreeSWITCH-Switchname: pbx1
FreeSWITCH-IPv4: 192.0.2.10
FreeSWITCH-IPv6: %3A%3A1
Event-Date-Local: 2025-03-04%2010%3A20%3A31
Event-Date-GMT: Tue,%2004%20Mar%202025%2010%3A20%3A31%20GMT
Event-Date-Timestamp: 1741083631000100
Event-Calling-File: mod_event_socket.c
Event-Calling-Function: api_exec
Event-Calling-Line-Number: 1520
Event-Sequence: 4530
Job-UUID: 7f4db9e2-8f0c-4b1e-9a55-2d3c1e0b7a11
Job-Command: originate
Job-Command-Arg: null/1000%20%26park()
Content-Length: 41

+OK 0b7b5d0e-4a8e-4c43-bf1a-0f3d2c1b9e77
)EXP";

constexpr std::string_view kBackgroundJobJson =
    R"EXP({"Event-Name":"BACKGROUND_JOB","Core-UUID":"6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21","FreeSWITCH-Hostname":"pbx1","FreeSWITCH-Switchname":"pbx1","FreeSWITCH-IPv4":"192.0.2.10","FreeSWITCH-IPv6":"::1","Event-Date-Local":"2025-03-04 10:20:31","Event-Date-GMT":"Tue, 04 Mar 2025 10:20:31 GMT","Event-Date-Timestamp":"1741083631000100","Event-Calling-File":"mod_event_socket.c","Event-Calling-Function":"api_exec","Event-Calling-Line-Number":"1520","Event-Sequence":"4530","Job-UUID":"7f4db9e2-8f0c-4b1e-9a55-2d3c1e0b7a11","Job-Command":"originate","Job-Command-Arg":"null/1000 &park()","Content-Length":"41","_body":"+OK 0b7b5d0e-4a8e-4c43-bf1a-0f3d2c1b9e77\n"})EXP";

constexpr std::string_view kBackgroundJobXml = R"EXP(<event>
  <headers>
    <Event-Name>BACKGROUND_JOB</Event-Name>
    <Core-UUID>6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21</Core-UUID>
    <FreeSWITCH-Hostname>pbx1</FreeSWITCH-Hostname>
    <FreeSWITCH-Switchname>pbx1</FreeSWITCH-Switchname>
    <FreeSWITCH-IPv4>192.0.2.10</FreeSWITCH-IPv4>
    <FreeSWITCH-IPv6>%3A%3A1</FreeSWITCH-IPv6>
    <Event-Date-Local>2025-03-04%2010%3A20%3A31</Event-Date-Local>
    <Event-Date-GMT>Tue,%2004%20Mar%202025%2010%3A20%3A31%20GMT</Event-Date-GMT>
    <Event-Date-Timestamp>1741083631000100</Event-Date-Timestamp>
    <Event-Calling-File>mod_event_socket.c</Event-Calling-File>
    <Event-Calling-Function>api_exec</Event-Calling-Function>
    <Event-Calling-Line-Number>1520</Event-Calling-Line-Number>
    <Event-Sequence>4530</Event-Sequence>
    <Job-UUID>7f4db9e2-8f0c-4b1e-9a55-2d3c1e0b7a11</Job-UUID>
    <Job-Command>originate</Job-Command>
    <Job-Command-Arg>null/1000%20%26park()</Job-Command-Arg>
  </headers>
  <Content-Length>41</Content-Length>
  <body>+OK 0b7b5d0e-4a8e-4c43-bf1a-0f3d2c1b9e77
  </body>
</event>
)EXP";

using HeaderList = std::vector<std::pair<std::string, std::string>>;

const HeaderList kStandardHeartbeatHeaders = {
    {"Event-Name", "HEARTBEAT"},
    {"Core-UUID", "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21"},
    {"FreeSWITCH-Hostname", "pbx1"},
    {"FreeSWITCH-Switchname", "pbx1"},
    {"FreeSWITCH-IPv4", "192.0.2.10"},
    {"FreeSWITCH-IPv6", "::1"},
    {"Event-Date-Local", "2025-03-04 10:20:30"},
    {"Event-Date-GMT", "Tue, 04 Mar 2025 10:20:30 GMT"},
    {"Event-Date-Timestamp", "1741083630123456"},
    {"Event-Calling-File", "switch_core.c"},
    {"Event-Calling-Function", "send_heartbeat"},
    {"Event-Calling-Line-Number", "95"},
    {"Event-Sequence", "4521"},
    {"Event-Info", "System Ready"},
    {"Up-Time",
     "0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 456 milliseconds, 789 microseconds"},
    {"FreeSWITCH-Version", "1.11.3-dev~64bit"},
    {"Uptime-msec", "3723456"},
    {"Session-Count", "0"},
    {"Max-Sessions", "1000"},
    {"Session-Per-Sec", "30"},
    {"Session-Per-Sec-Last", "0"},
    {"Session-Per-Sec-Max", "1"},
    {"Session-Per-Sec-FiveMin", "0"},
    {"Session-Since-Startup", "3"},
    {"Session-Peak-Max", "2"},
    {"Session-Peak-FiveMin", "0"},
    {"Idle-CPU", "98.700000"},
};

const HeaderList kBackgroundJobHeaders = {
    {"Event-Name", "BACKGROUND_JOB"},
    {"Core-UUID", "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21"},
    {"FreeSWITCH-Hostname", "pbx1"},
    {"FreeSWITCH-Switchname", "pbx1"},
    {"FreeSWITCH-IPv4", "192.0.2.10"},
    {"FreeSWITCH-IPv6", "::1"},
    {"Event-Date-Local", "2025-03-04 10:20:31"},
    {"Event-Date-GMT", "Tue, 04 Mar 2025 10:20:31 GMT"},
    {"Event-Date-Timestamp", "1741083631000100"},
    {"Event-Calling-File", "mod_event_socket.c"},
    {"Event-Calling-Function", "api_exec"},
    {"Event-Calling-Line-Number", "1520"},
    {"Event-Sequence", "4530"},
    {"Job-UUID", "7f4db9e2-8f0c-4b1e-9a55-2d3c1e0b7a11"},
    {"Job-Command", "originate"},
    {"Job-Command-Arg", "null/1000 &park()"},
};

Event build(EventType type, const HeaderList& headers) {
  Event event(type);
  for (const auto& [name, value] : headers) event.add_header(name, value);
  return event;
}

Event heartbeat() {
  return build(EventType::kHeartbeat, kStandardHeartbeatHeaders);
}

Event background_job() {
  Event event = build(EventType::kBackgroundJob, kBackgroundJobHeaders);
  event.set_body("+OK 0b7b5d0e-4a8e-4c43-bf1a-0f3d2c1b9e77\n");
  return event;
}

std::string serialized(const Event& event, EventFormat format) {
  std::string out;
  serialize(event, format, out);
  return out;
}

std::string framed(const Event& event, EventFormat format) {
  return protocol::event_frame(format, serialized(event, format));
}

std::string plain(const Event& event) {
  return serialized(event, EventFormat::kPlain);
}
std::string json(const Event& event) {
  return serialized(event, EventFormat::kJson);
}
std::string xml(const Event& event) {
  return serialized(event, EventFormat::kXml);
}

Event single(std::string_view name, std::string_view value) {
  Event event(EventType::kApi);
  event.add_header(name, value);
  return event;
}

TEST(WorkedExample, HeartbeatPlain) {
  EXPECT_EQ(plain(heartbeat()), kHeartbeatPlain);
  EXPECT_EQ(
      framed(heartbeat(), EventFormat::kPlain),
      "Content-Length: 866\nContent-Type: text/event-plain\n\n" + std::string(kHeartbeatPlain));
}

TEST(WorkedExample, HeartbeatJson) {
  EXPECT_EQ(json(heartbeat()), kHeartbeatJson);
  EXPECT_EQ(framed(heartbeat(), EventFormat::kJson),
            "Content-Length: 895\nContent-Type: text/event-json\n\n" + std::string(kHeartbeatJson));
}

TEST(WorkedExample, HeartbeatXml) {
  EXPECT_EQ(xml(heartbeat()), kHeartbeatXml);
  EXPECT_EQ(framed(heartbeat(), EventFormat::kXml),
            "Content-Length: 1527\nContent-Type: text/event-xml\n\n" + std::string(kHeartbeatXml));
}

TEST(WorkedExample, BackgroundJobPlain) {
  EXPECT_EQ(plain(background_job()), kBackgroundJobPlain);
  EXPECT_EQ(
      framed(background_job(), EventFormat::kPlain),
      "Content-Length: 620\nContent-Type: text/event-plain\n\n" + std::string(kBackgroundJobPlain));
}

TEST(WorkedExample, BackgroundJobJson) {
  EXPECT_EQ(json(background_job()), kBackgroundJobJson);
  EXPECT_EQ(
      framed(background_job(), EventFormat::kJson),
      "Content-Length: 655\nContent-Type: text/event-json\n\n" + std::string(kBackgroundJobJson));
}

TEST(WorkedExample, BackgroundJobXml) {
  EXPECT_EQ(xml(background_job()), kBackgroundJobXml);
  EXPECT_EQ(
      framed(background_job(), EventFormat::kXml),
      "Content-Length: 1062\nContent-Type: text/event-xml\n\n" + std::string(kBackgroundJobXml));
}

TEST(Serialize, AppendsToExistingContent) {
  std::string out = "prefix|";
  serialize_plain(single("A", "b"), out);
  EXPECT_EQ(out, "prefix|A: b\n\n");
  out = ">";
  serialize_xml(single("A", "b"), out);
  EXPECT_EQ(out, "><event>\n  <headers>\n    <A>b</A>\n  </headers>\n</event>\n");
}

TEST(Plain, EmptyEventIsABlankLine) {
  EXPECT_EQ(plain(Event(EventType::kApi)), "\n");
}

TEST(Plain, ValuesAreUrlEncodedNamesAreNot) {
  EXPECT_EQ(plain(single("Odd Name:", "a b\n%41%4a\xc3\xa9%")),
            "Odd Name:: a%20b%0A%41%254a%C3%A9%25\n\n");
}

TEST(Plain, EmptyBodyWritesNoContentLength) {
  Event event = single("A", "b");
  event.set_body("");
  EXPECT_EQ(plain(event), "A: b\n\n");
}

TEST(Plain, BodyIsNotEncoded) {
  Event event = single("A", "b");
  event.set_body("x y\n");
  EXPECT_EQ(plain(event), "A: b\nContent-Length: 4\n\nx y\n");
}

TEST(Plain, ArrayHeaderIsOneLineWithItsStringForm) {
  EXPECT_EQ(plain(single("Arr", "ARRAY::a b|:c")), "Arr: ARRAY%3A%3Aa%20b%7C%3Ac\n\n");
}

TEST(Plain, EmptyEncodedValueIsWrittenAsUndef) {
  Event event(EventType::kApi);
  event.add_header("Arr[0]", "");  // an array whose only element is empty
  EXPECT_EQ(plain(event), "Arr: _undef_\n\n");
}

TEST(Plain, LongArrayOfShortElementsIsCutLikeFreeSwitchsBuffer) {
  // FreeSWITCH sizes the buffer from the elements: 600 one-byte elements give 3 * 600 + 600 =
  // 2400 bytes (2399 usable), but the string form encodes to 11 + 1 + 599 * 7 = 4205 bytes.
  std::string value = "ARRAY::";
  for (int i = 0; i < 600; ++i) value.append(i == 0 ? "x" : "|:x");
  const std::string line = plain(single("A", value));
  const std::string prefix = "A: ";
  ASSERT_GT(line.size(), prefix.size() + 2);
  const std::string encoded = line.substr(prefix.size(), line.size() - prefix.size() - 2);
  EXPECT_EQ(encoded.size(), 2399u);
  EXPECT_EQ(encoded.substr(0, 18), "ARRAY%3A%3Ax%7C%3A");
  EXPECT_EQ(encoded.substr(encoded.size() - 7), "%7C%3Ax");
  EXPECT_EQ(line.substr(line.size() - 2), "\n\n");
}

TEST(PlainUnencoded, ValuesInBrackets) {
  Event event(EventType::kApi);
  event.add_header("A", "a b:c");
  event.add_header("Arr", "ARRAY::x|:y");
  event.set_body("body");
  std::string out;
  serialize_plain_unencoded(event, out);
  EXPECT_EQ(out, "A: [a b:c]\nArr: [ARRAY::x|:y]\nContent-Length: 4\n\nbody");
}

TEST(Json, EmptyEvent) {
  EXPECT_EQ(json(Event(EventType::kApi)), "{}");
}

TEST(Json, EscapesNamesAndValuesWithoutUrlEncoding) {
  EXPECT_EQ(json(single("Q\"", "a b/\\\t\x01\xc3\xa9%")),
            "{\"Q\\\"\":\"a b/\\\\\\t\\u0001\xc3\xa9%\"}");
}

TEST(Json, DuplicateNamesGiveDuplicateMembers) {
  Event event(EventType::kApi);
  event.add_header("X", "1");
  event.add_header("X", "2");
  EXPECT_EQ(json(event), "{\"X\":\"1\",\"X\":\"2\"}");
}

TEST(Json, ArrayHeadersBecomeArrays) {
  Event event(EventType::kApi);
  event.add_header("Arr", "ARRAY::a|:b\"");
  event.add_header("One", "ARRAY::solo");
  EXPECT_EQ(json(event), "{\"Arr\":[\"a\",\"b\\\"\"],\"One\":[\"solo\"]}");
}

TEST(Json, EmptyBodyStillAddsMembers) {
  Event event = single("A", "b");
  event.set_body("");
  EXPECT_EQ(json(event), "{\"A\":\"b\",\"Content-Length\":\"0\",\"_body\":\"\"}");
  event.set_body("l1\nl2");
  EXPECT_EQ(json(event), "{\"A\":\"b\",\"Content-Length\":\"5\",\"_body\":\"l1\\nl2\"}");
}

TEST(Xml, EmptyEvent) {
  EXPECT_EQ(xml(Event(EventType::kApi)), "<event>\n  <headers></headers>\n</event>\n");
}

TEST(Xml, ArrayHeadersRepeatTheElement) {
  EXPECT_EQ(xml(single("Arr", "ARRAY::a b|:c")),
            "<event>\n  <headers>\n    <Arr>a%20b</Arr>\n    <Arr>c</Arr>\n  </headers>\n"
            "</event>\n");
}

TEST(Xml, HeaderValuesAreUrlEncoded) {
  EXPECT_EQ(xml(single("V", "<a&b>\xc3\xa9")),
            "<event>\n  <headers>\n    <V>%3Ca%26b%3E%C3%A9</V>\n  </headers>\n</event>\n");
}

TEST(Xml, BodyIsXmlEscapedOnly) {
  Event event = single("A", "b");
  event.set_body("1 < 2 & \"q\"\r\t\xc3\xa9");
  EXPECT_EQ(xml(event),
            "<event>\n  <headers>\n    <A>b</A>\n  </headers>\n"
            "  <Content-Length>15</Content-Length>\n"
            "  <body>1 &lt; 2 &amp; \"q\"&#xD;\t&#xE9;</body>\n</event>\n");
}

TEST(Xml, BodyEndingInNewlineIndentsClosingTag) {
  Event event(EventType::kApi);
  event.set_body("a\nb\n");
  EXPECT_EQ(xml(event),
            "<event>\n  <headers></headers>\n  <Content-Length>4</Content-Length>\n"
            "  <body>a\nb\n  </body>\n</event>\n");
}

TEST(Xml, BodyFromCommentMarkerIsRaw) {
  Event event(EventType::kApi);
  event.set_body("x<!-- <&> -->");
  EXPECT_EQ(xml(event),
            "<event>\n  <headers></headers>\n  <Content-Length>13</Content-Length>\n"
            "  <body>x<!-- <&> --></body>\n</event>\n");
}

TEST(Xml, EmptyBodyIsOmitted) {
  Event event = single("A", "b");
  event.set_body("");
  EXPECT_EQ(xml(event), "<event>\n  <headers>\n    <A>b</A>\n  </headers>\n</event>\n");
}

}  // namespace
}  // namespace es::core
