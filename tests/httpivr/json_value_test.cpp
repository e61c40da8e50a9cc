// The webhook JSON reader: what a hostile web application can send.
#include "apps/httpivr/json_value.hpp"

#include <gtest/gtest.h>

namespace es::apps::httpivr {
namespace {

TEST(HttpivrJson, ReadsVerbArrays) {
  auto doc = parse_json(R"j( [ {"verb":"gather","num_digits":1,"timeout":"5","x":true,
      "play":{"url":"tone_stream://%(1,0,2)"},"n":null,"e":-1.5e2,"s":"a\u00e9\"b"} ] )j");
  ASSERT_TRUE(doc);
  ASSERT_TRUE(doc->as_array());
  const JsonValue& verb = doc->as_array()->at(0);
  EXPECT_EQ(verb.text("verb"), "gather");
  EXPECT_EQ(verb.text("num_digits"), "1");
  EXPECT_EQ(verb.number("timeout"), 5.0);  // numeric strings count as numbers
  EXPECT_EQ(verb.text("x"), "true");
  EXPECT_EQ(verb.member("play")->text("url"), "tone_stream://%(1,0,2)");
  EXPECT_TRUE(verb.member("n")->is_null());
  EXPECT_EQ(verb.number("e"), -150.0);
  EXPECT_EQ(verb.text("s"), "a\xC3\xA9\"b");
  EXPECT_FALSE(verb.text("missing"));
  EXPECT_FALSE(verb.text("play"));  // objects have no text form
}

TEST(HttpivrJson, RefusesMalformedDocuments) {
  for (const char* bad : {"", "[", "[{]", "[{\"verb\"}]", "[1,]", "[] x", "{\"a\":tru}",
                          "[\"\\ud800\"]", "[1e999]", "[nan]", "[01x]", "{\"a\" 1}"}) {
    EXPECT_FALSE(parse_json(bad)) << bad;
  }
}

TEST(HttpivrJson, BoundsNesting) {
  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json(ok));
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  EXPECT_FALSE(parse_json(deep));
  // Far deeper than the stack could take if the bound were missing.
  EXPECT_FALSE(parse_json(std::string(1000000, '[')));
}

TEST(HttpivrJson, WritesEscapedObjects) {
  JsonObjectWriter inner;
  inner.add("k", "v");
  JsonObjectWriter w;
  w.add("a", "x\"y\n").add_number("n", -3).add_raw("o", inner.finish());
  EXPECT_EQ(w.finish(), R"j({"a":"x\"y\n","n":-3,"o":{"k":"v"}})j");
  auto back = parse_json(w.finish());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->text("a"), "x\"y\n");
}

}  // namespace
}  // namespace es::apps::httpivr
