#include "apps/escli/renderer.hpp"

#include <gtest/gtest.h>

#include "apps/escli/json_text.hpp"

namespace es::apps::escli {
namespace {

client::LogLine log_line(int level, std::string text, const std::string& uuid = {}) {
  client::LogLine line;
  line.headers.push_back({"Log-Level", std::to_string(level)});
  line.headers.push_back({"Text-Channel", "3"});
  if (!uuid.empty()) line.headers.push_back({"User-Data", uuid});
  line.text = std::move(text);
  return line;
}

client::Event sample_event() {
  client::Event event;
  event.headers = {{"Event-Name", "CUSTOM"}, {"Core-UUID", "c0"}, {"Event-Subclass", "x::y"}};
  return event;
}

TEST(Renderer, LogLinesTakeFsCliColoursByLevel) {
  Renderer renderer(RenderStyle{});
  EXPECT_EQ(renderer.log_line(log_line(7, "debug text\n")), "\033[33mdebug text\n\033[m");
  EXPECT_EQ(renderer.log_line(log_line(6, "info text")), "\033[32minfo text\n\033[m");
  EXPECT_EQ(renderer.log_line(log_line(5, "n\n")), "\033[36mn\n\033[m");
  EXPECT_EQ(renderer.log_line(log_line(4, "w\n")), "\033[35mw\n\033[m");
  EXPECT_EQ(renderer.log_line(log_line(3, "e\n")), "\033[31me\n\033[m");
  EXPECT_EQ(renderer.log_line(log_line(1, "a\n")), "\033[31ma\n\033[m");
  EXPECT_EQ(renderer.log_line(log_line(0, "c\n")), "\033[mc\n\033[m");
  EXPECT_EQ(log_level_color(9), kColorReset);
  EXPECT_EQ(renderer.log_line(log_line(7, "\n")), "");  // an empty line shows nothing
}

TEST(Renderer, LogLinesWithoutColourAndWithUuidPrefix) {
  RenderStyle plain;
  plain.color = false;
  EXPECT_EQ(Renderer(plain).log_line(log_line(7, "x\n", "abcdef0123456789")), "x\n");
  plain.log_uuid = true;
  EXPECT_EQ(Renderer(plain).log_line(log_line(7, "x\n", "abcdef0123456789")),
            "abcdef0123456789 x\n");
  plain.log_uuid_length = 8;
  EXPECT_EQ(Renderer(plain).log_line(log_line(7, "x\n", "abcdef0123456789")), "abcdef01 x\n");
  EXPECT_EQ(Renderer(plain).log_line(log_line(7, "no call\n")), "no call\n");
}

TEST(Renderer, ApiRepliesEndInOneNewlineOrBecomeJsonObjects) {
  RenderStyle plain;
  plain.color = false;
  Renderer text(plain);
  EXPECT_EQ(text.api_reply("uuid_exists x", "false"), "false\n");
  EXPECT_EQ(text.api_reply("status", "UP 0 years\n"), "UP 0 years\n");
  EXPECT_EQ(text.api_reply("nothing", ""), "\n");

  RenderStyle coloured;
  coloured.output_color = "\033[36m";
  EXPECT_EQ(Renderer(coloured).api_reply("version", "v1"), "\033[36mv1\n\033[m");

  RenderStyle json;
  json.json = true;
  EXPECT_EQ(Renderer(json).api_reply("status", "UP\n\"quoted\"\ttab"),
            "{\"command\":\"status\",\"reply\":\"UP\\n\\\"quoted\\\"\\ttab\"}\n");
  EXPECT_EQ(Renderer(json).command_reply("/log debug", "+OK log level debug [7]"),
            "{\"command\":\"/log debug\",\"reply\":\"+OK log level debug [7]\"}\n");
  EXPECT_EQ(Renderer(json).log_line(log_line(6, "hi\n", "u1")),
            "{\"log_level\":6,\"uuid\":\"u1\",\"text\":\"hi\\n\"}\n");
}

TEST(Renderer, PlainEventsHaveAlignedHeaders) {
  RenderStyle plain;
  plain.color = false;
  client::Event event = sample_event();
  event.headers.push_back({"Content-Length", "5"});
  event.body = "hello";
  EXPECT_EQ(Renderer(plain).event(event, protocol::EventFormat::kPlain),
            "RECV EVENT CUSTOM\n"
            "  Event-Name:     CUSTOM\n"
            "  Core-UUID:      c0\n"
            "  Event-Subclass: x::y\n"
            "  Content-Length: 5\n"
            "\n"
            "hello\n"
            "\n");
}

TEST(Renderer, MultiLineValuesStayUnderTheValueColumn) {
  RenderStyle plain;
  plain.color = false;
  client::Event event;
  event.headers = {{"Event-Name", "X"}, {"A", "one\ntwo"}};
  EXPECT_EQ(Renderer(plain).event(event, protocol::EventFormat::kPlain),
            "RECV EVENT X\n"
            "  Event-Name: X\n"
            "  A:          one\n"
            "              two\n"
            "\n");
}

TEST(Renderer, ColouredEventsMarkTitleAndHeaderNames) {
  client::Event event;
  event.headers = {{"Event-Name", "X"}};
  EXPECT_EQ(Renderer(RenderStyle{}).event(event, protocol::EventFormat::kPlain),
            "\033[1;36mRECV EVENT X\n\033[m  \033[36mEvent-Name:\033[m X\n\n");
}

TEST(Renderer, JsonEventsArePrettyOnTerminalsAndOneLineInJsonMode) {
  RenderStyle plain;
  plain.color = false;
  client::Event event = sample_event();
  event.body = "b\"";
  EXPECT_EQ(Renderer(plain).event(event, protocol::EventFormat::kJson),
            "RECV EVENT CUSTOM\n"
            "{\n"
            "  \"Event-Name\": \"CUSTOM\",\n"
            "  \"Core-UUID\": \"c0\",\n"
            "  \"Event-Subclass\": \"x::y\",\n"
            "  \"_body\": \"b\\\"\"\n"
            "}\n\n");
  RenderStyle json;
  json.json = true;
  EXPECT_EQ(Renderer(json).event(event, protocol::EventFormat::kPlain),
            "{\"Event-Name\":\"CUSTOM\",\"Core-UUID\":\"c0\",\"Event-Subclass\":\"x::y\","
            "\"_body\":\"b\\\"\"}\n");
}

TEST(Renderer, XmlEventsShowTheirDocument) {
  RenderStyle plain;
  plain.color = false;
  client::Event event;
  event.headers = {{"Content-Type", "text/event-xml"}};
  event.body = "<event><headers/></event>";
  EXPECT_EQ(Renderer(plain).event(event, protocol::EventFormat::kXml),
            "RECV EVENT (unnamed)\n<event><headers/></event>\n\n");
}

TEST(JsonText, EscapesControlCharactersAndKeepsUtf8) {
  EXPECT_EQ(json_quote(std::string("a\x01"
                                   "b\\c\r\b\f")),
            "\"a\\u0001b\\\\c\\r\\b\\f\"");
  EXPECT_EQ(json_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(json_object_pretty({}), "{}");
  EXPECT_EQ(json_object_line({}), "{}");
}

}  // namespace
}  // namespace es::apps::escli
