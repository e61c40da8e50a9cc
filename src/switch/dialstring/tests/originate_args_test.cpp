#include "switch/dialstring/originate_args.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <string>

namespace es::sw {
namespace {

class OriginateUsage : public ::testing::TestWithParam<std::string> {};

TEST_P(OriginateUsage, RepliesUsageLine) {
  OriginateArgsResult r = parse_originate_args(GetParam());
  EXPECT_FALSE(r.args.has_value());
  EXPECT_EQ(r.error_text, kOriginateUsage);
}

INSTANTIATE_TEST_SUITE_P(Cases, OriginateUsage,
                         ::testing::Values("", " ", "null/1", "   null/1   ",
                                           "null/1 1000 XML default a b 30 extra",
                                           "a b c d e f g h i j k l", "null/1 undef",
                                           "null/1 UNDEF XML", "'null/1 1000'"));

TEST(OriginateUsage, ExactText) {
  EXPECT_EQ(kOriginateUsage,
            "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
            "[<cid_name>] [<cid_num>] [<timeout_sec>]\n");
}

struct ArgsCase {
  std::string name;
  std::string arg;
  std::string call_url;
  std::string exten;
  std::string dialplan;
  std::string context;
  std::optional<std::string> cid_name;
  std::optional<std::string> cid_num;
  int timeout_s;
};

class OriginateWords : public ::testing::TestWithParam<ArgsCase> {};

TEST_P(OriginateWords, Fields) {
  const ArgsCase& c = GetParam();
  OriginateArgsResult r = parse_originate_args(c.arg);
  ASSERT_TRUE(r.args.has_value()) << r.error_text;
  EXPECT_TRUE(r.error_text.empty());
  EXPECT_EQ(r.args->call_url, c.call_url);
  EXPECT_EQ(r.args->exten, c.exten);
  EXPECT_EQ(r.args->dialplan, c.dialplan);
  EXPECT_EQ(r.args->context, c.context);
  EXPECT_EQ(r.args->cid_name, c.cid_name);
  EXPECT_EQ(r.args->cid_num, c.cid_num);
  EXPECT_EQ(r.args->timeout_s, c.timeout_s);
}

using std::nullopt;

const ArgsCase kArgsCases[] = {
    {"TwoWords", "null/1 1000", "null/1", "1000", "XML", "default", nullopt, nullopt, 60},
    {"ExtraSpaces", "  null/1    1000  ", "null/1", "1000", "XML", "default", nullopt, nullopt, 60},
    {"AllSeven", "null/1 1000 inline public 'John Doe' 5551234 30", "null/1", "1000", "inline",
     "public", "John Doe", "5551234", 30},
    {"UndefSkips", "null/1 1000 undef undef undef 555", "null/1", "1000", "XML", "default", nullopt,
     "555", 60},
    {"UndefAnyCase", "null/1 1000 UnDeF ctx Undef undef 5", "null/1", "1000", "XML", "ctx", nullopt,
     nullopt, 5},
    {"UndefCallUrl", "undef 1000", "", "1000", "XML", "default", nullopt, nullopt, 60},
    {"UndefTimeout", "null/1 1000 XML default a b undef", "null/1", "1000", "XML", "default", "a",
     "b", 60},
    {"TimeoutZero", "null/1 1000 XML default a b 0", "null/1", "1000", "XML", "default", "a", "b",
     60},
    {"TimeoutNotANumber", "null/1 1000 XML default a b soon", "null/1", "1000", "XML", "default",
     "a", "b", 60},
    {"TimeoutLeadingDigits", "null/1 1000 XML default a b 12s", "null/1", "1000", "XML", "default",
     "a", "b", 12},
    {"TimeoutNegative", "null/1 1000 XML default a b -1", "null/1", "1000", "XML", "default", "a",
     "b", INT_MAX},
    {"EmptyQuotedWordsAreGiven", "null/1 1000 '' '' '' ''", "null/1", "1000", "", "", "", "", 60},
    {"QuotedWordWithSpaces", "{a=b}null/1 'set:x=1,park' inline", "{a=b}null/1", "set:x=1,park",
     "inline", "default", nullopt, nullopt, 60},
    // The space split removes the quotes inside a word too.
    {"QuotesInsideCallUrl", "{origination_caller_id_name='A B'}null/1 &park",
     "{origination_caller_id_name=A B}null/1", "&park", "XML", "default", nullopt, nullopt, 60},
    {"EscapedSpace", R"(null/1 1000 XML default John\sDoe)", "null/1", "1000", "XML", "default",
     "John Doe", nullopt, 60},
    {"CaretDelimiter", "^^:{a=b c}null/1:&park:XML", "{a=b c}null/1", "&park", "XML", "default",
     nullopt, nullopt, 60},
};

INSTANTIATE_TEST_SUITE_P(Cases, OriginateWords, ::testing::ValuesIn(kArgsCases),
                         [](const auto& info) { return info.param.name; });

struct AppCase {
  std::string name;
  std::string exten;
  bool is_app;
  std::string app;
  bool has_arg;
  std::string app_arg;
};

class OriginateApp : public ::testing::TestWithParam<AppCase> {};

TEST_P(OriginateApp, Split) {
  const AppCase& c = GetParam();
  OriginateArgsResult r = parse_originate_args("null/1 " + c.exten);
  ASSERT_TRUE(r.args.has_value());
  EXPECT_EQ(r.args->exten,
            c.exten.front() == '\'' ? c.exten.substr(1, c.exten.size() - 2) : c.exten);
  EXPECT_EQ(r.args->is_app, c.is_app);
  EXPECT_EQ(r.args->app, c.app);
  EXPECT_EQ(r.args->app_has_arg, c.has_arg);
  EXPECT_EQ(r.args->app_arg, c.app_arg);
}

const AppCase kAppCases[] = {
    {"NoParens", "&park", true, "park", false, ""},
    {"EmptyParens", "&park()", true, "park", true, ""},
    {"WithArg", "&playback(/tmp/a.wav)", true, "playback", true, "/tmp/a.wav"},
    {"ArgWithSpacesQuoted", "'&echo(a b c)'", true, "echo", true, "a b c"},
    {"CutAtFirstClose", "&app(a(b)c)", true, "app", true, "a(b"},
    {"CloseBeforeOpen", "&app)x(y", true, "app", false, ""},
    {"NoClose", "&app(arg", true, "app", true, "arg"},
    {"TextAfterClose", "&app(x)tail", true, "app", true, "x"},
    {"AmpersandAlone", "&", false, "", false, ""},
    {"PlainExtension", "1000", false, "", false, ""},
    {"AmpersandNotFirst", "a&park", false, "", false, ""},
};

INSTANTIATE_TEST_SUITE_P(Cases, OriginateApp, ::testing::ValuesIn(kAppCases),
                         [](const auto& info) { return info.param.name; });

TEST(OriginateApp, DialplanFieldsStillDefaulted) {
  OriginateArgsResult r = parse_originate_args("null/1 &park XML ctx");
  ASSERT_TRUE(r.args);
  EXPECT_TRUE(r.args->is_app);
  EXPECT_EQ(r.args->context, "ctx");
}

TEST(SplitAppCall, Direct) {
  std::string app, arg;
  bool has_arg = true;
  split_app_call("bridge(null/1)", app, arg, has_arg);
  EXPECT_EQ(app, "bridge");
  EXPECT_EQ(arg, "null/1");
  EXPECT_TRUE(has_arg);
  split_app_call("hangup", app, arg, has_arg);
  EXPECT_EQ(app, "hangup");
  EXPECT_EQ(arg, "");
  EXPECT_FALSE(has_arg);
}

}  // namespace
}  // namespace es::sw
