#include "protocol/escape.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace es::protocol {
namespace {

std::string xml_escape(std::string_view in) {
  std::string out;
  xml_escape_append(out, in);
  return out;
}

std::string json_escape(std::string_view in) {
  std::string out;
  json_escape_append(out, in);
  return out;
}

TEST(UrlEncode, LeavesSafeCharactersAlone) {
  const std::string safe = "abcxyzABCXYZ0189!$'()*,-./_~";
  EXPECT_EQ(url_encode(safe), safe);
}

TEST(UrlEncode, EncodesEveryUnsafeCharacterAsUppercaseHex) {
  EXPECT_EQ(url_encode("\r\n #%&+:;<=>?@[\\]^`{|}\""),
            "%0D%0A%20%23%25%26%2B%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D%22");
}

TEST(UrlEncode, EncodesControlsDelAndNonAscii) {
  EXPECT_EQ(url_encode(std::string("\x01\x1f\x7f", 3)), "%01%1F%7F");
  EXPECT_EQ(url_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(url_encode(std::string("\0", 1)), "%00");
}

TEST(UrlEncode, SpaceNeverBecomesPlus) {
  EXPECT_EQ(url_encode("a b"), "a%20b");
}

TEST(UrlEncode, PercentWithTwoUppercaseHexDigitsPassesThrough) {
  EXPECT_EQ(url_encode("100%20done"), "100%20done");
  EXPECT_EQ(url_encode("%3A%FF"), "%3A%FF");
}

TEST(UrlEncode, PercentWithLowercaseOrNonHexIsEncoded) {
  EXPECT_EQ(url_encode("%3a"), "%253a");
  EXPECT_EQ(url_encode("%G1"), "%25G1");
  EXPECT_EQ(url_encode("%A:"), "%25A%3A");
}

TEST(UrlEncode, PercentNearTheEndIsEncoded) {
  EXPECT_EQ(url_encode("%"), "%25");
  EXPECT_EQ(url_encode("x%"), "x%25");
  EXPECT_EQ(url_encode("x%A"), "x%25A");
  EXPECT_EQ(url_encode("x%AB"), "x%AB");
}

TEST(UrlEncode, AppendsToExistingContent) {
  std::string out = "Name: ";
  url_encode_append(out, "a:b");
  EXPECT_EQ(out, "Name: a%3Ab");
}

TEST(UrlEncode, LimitedStopsBeforeAnEscapeThatDoesNotFit) {
  std::string out;
  url_encode_append_limited(out, "ab:cd", 4);
  EXPECT_EQ(out, "ab");  // "%3A" would need bytes 3..5
  out.clear();
  url_encode_append_limited(out, "ab:cd", 6);
  EXPECT_EQ(out, "ab%3Ac");
  out.clear();
  url_encode_append_limited(out, "abcdef", 3);
  EXPECT_EQ(out, "abc");
}

TEST(UrlDecode, DecodesEitherCaseAndKeepsMalformedAndPlus) {
  EXPECT_EQ(url_decode("a%20b%3a%3A"), "a b::");
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(url_decode("a+b"), "a+b");
}

TEST(UrlDecode, RoundTripsEncodedBytes) {
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  // Here '%' is followed by "&'", so it is encoded rather than passed through.
  EXPECT_EQ(url_decode(url_encode(all)), all);
}

TEST(JsonEscape, EscapesLikeCJson) {
  EXPECT_EQ(json_escape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(json_escape("\b\f\n\r\t"), "\\b\\f\\n\\r\\t");
  EXPECT_EQ(json_escape(std::string("\x01\x1f\0", 3)), "\\u0001\\u001f\\u0000");
}

TEST(JsonEscape, CopiesSlashDelAndUtf8) {
  EXPECT_EQ(json_escape("a/b\x7f\xc3\xa9 ok"), "a/b\x7f\xc3\xa9 ok");
}

TEST(JsonString, QuotesTheEscapedTextAfterWhatIsThere) {
  std::string out = "x:";
  json_string_append(out, "a\"b\n");
  EXPECT_EQ(out, "x:\"a\\\"b\\n\"");
  json_string_append(out, "");
  EXPECT_EQ(out, "x:\"a\\\"b\\n\"\"\"");
}

TEST(XmlEscape, EscapesAmpersandAnglesAndCarriageReturn) {
  EXPECT_EQ(xml_escape("a&b<c>d\re"), "a&amp;b&lt;c&gt;d&#xD;e");
}

TEST(XmlEscape, KeepsQuotesNewlinesAndTabs) {
  EXPECT_EQ(xml_escape("\"q\"\n\t'"), "\"q\"\n\t'");
}

TEST(XmlEscape, MultiByteCharactersBecomeUppercaseHexReferences) {
  EXPECT_EQ(xml_escape("caf\xc3\xa9"), "caf&#xE9;");
  EXPECT_EQ(xml_escape("\xe2\x82\xac"), "&#x20AC;");
  EXPECT_EQ(xml_escape("\xf0\x9f\x98\x80!"), "&#x1F600;!");
  EXPECT_EQ(xml_escape("\xc4\x80"), "&#x100;");
}

TEST(XmlEscape, DropsMalformedUtf8) {
  EXPECT_EQ(xml_escape("a\x80z"), "az");  // stray continuation byte
  EXPECT_EQ(xml_escape("a\xc3z"), "a");   // lead byte eats the next byte
  EXPECT_EQ(xml_escape("a\xc3z!"), "a!");
  EXPECT_EQ(xml_escape("a\xc3&b"), "a&amp;");  // specials are still escaped meanwhile
  EXPECT_EQ(xml_escape("\xe2\x82"), "");       // truncated at the end
}

TEST(XmlEscape, CopiesEverythingFromCommentMarkerOnward) {
  EXPECT_EQ(xml_escape("a&b<!-- x & y <z> -->\xc3\xa9"), "a&amp;b<!-- x & y <z> -->\xc3\xa9");
  EXPECT_EQ(xml_escape("<"), "&lt;");
  EXPECT_EQ(xml_escape("<x"), "&lt;x");
}

TEST(XmlEscape, AppendsToExistingContent) {
  std::string out = "<body>";
  xml_escape_append(out, "1<2");
  EXPECT_EQ(out, "<body>1&lt;2");
}

// The whole literal `quoted` decoded; "<fail>" when it is refused, "<rest>" appended when the
// decoder stopped before the end.
std::string unescape(std::string_view quoted, LoneSurrogate lone = LoneSurrogate::kReject) {
  std::size_t pos = 0;
  std::optional<std::string> out = json_unescape(quoted, pos, lone);
  if (!out) return "<fail>";
  return pos == quoted.size() ? *out : *out + "<rest>";
}

TEST(JsonUnescape, SimpleEscapesAndRawBytes) {
  EXPECT_EQ(unescape(R"("")"), "");
  EXPECT_EQ(unescape(R"("plain text")"), "plain text");
  EXPECT_EQ(unescape(R"("\"\\\/\b\f\n\r\t")"), "\"\\/\b\f\n\r\t");
  // Bytes JSON would have escaped are taken as they are, as cJSON takes them.
  EXPECT_EQ(unescape("\"a\tb\x01\xc3\xa9\""), "a\tb\x01\xc3\xa9");
}

TEST(JsonUnescape, StopsAfterTheClosingQuote) {
  EXPECT_EQ(unescape(R"("a"b")"), "a<rest>");
  std::size_t pos = 3;
  EXPECT_EQ(json_unescape(R"(x: "v", y)", pos, LoneSurrogate::kReject), "v");
  EXPECT_EQ(pos, 6u);
}

TEST(JsonUnescape, UnicodeEscapesBecomeUtf8) {
  EXPECT_EQ(unescape(R"("\u0041")"), "A");
  EXPECT_EQ(unescape(R"("\u00e9\u00E9")"), "\xc3\xa9\xc3\xa9");
  EXPECT_EQ(unescape(R"("\u20ac")"), "\xe2\x82\xac");
  EXPECT_EQ(unescape(R"("\u0000")"), std::string(1, '\0'));
  // A surrogate pair is one code point (U+1F600), in both modes.
  EXPECT_EQ(unescape(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(unescape(R"("\uD83D\uDE00")", LoneSurrogate::kKeep), "\xf0\x9f\x98\x80");
  EXPECT_EQ(unescape(R"("\udbff\udfff")"), "\xf4\x8f\xbf\xbf");  // U+10FFFF
}

TEST(JsonUnescape, LoneSurrogatesAreRefusedLikeCjson) {
  EXPECT_EQ(unescape(R"("\ud800")"), "<fail>");
  EXPECT_EQ(unescape(R"("\udc00")"), "<fail>");
  EXPECT_EQ(unescape(R"("\ud800x")"), "<fail>");
  EXPECT_EQ(unescape(R"("\ud800\u0041")"), "<fail>");
  EXPECT_EQ(unescape(R"("\ud800\ud800")"), "<fail>");
}

TEST(JsonUnescape, LoneSurrogatesAreKeptForTheClient) {
  const auto keep = LoneSurrogate::kKeep;
  EXPECT_EQ(unescape(R"("\ud800")", keep), "\xed\xa0\x80");
  EXPECT_EQ(unescape(R"("\udc00x")", keep), "\xed\xb0\x80x");
  // The escape after an unpaired high half is read on its own.
  EXPECT_EQ(unescape(R"("\ud800\u0041")", keep),
            "\xed\xa0\x80"
            "A");
  EXPECT_EQ(unescape(R"("\ud800\ud800\udc00")", keep), "\xed\xa0\x80\xf0\x90\x80\x80");
  EXPECT_EQ(unescape(R"("\ud800\uZZZZ")", keep), "<fail>");
}

TEST(JsonUnescape, MalformedLiteralsAreRefused) {
  for (const auto lone : {LoneSurrogate::kReject, LoneSurrogate::kKeep}) {
    for (std::string_view bad : {R"(abc)", R"()", R"("abc)", R"("abc\")", R"("\)", R"("\x")",
                                 R"("\u12")", R"("\u12G4")", R"("\u")", R"(  "a")"}) {
      EXPECT_EQ(unescape(bad, lone), "<fail>") << bad;
    }
  }
}

}  // namespace
}  // namespace es::protocol
