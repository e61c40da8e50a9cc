#include "core/commands/show_commands.hpp"

#include <chrono>
#include <random>

#include "core/commands/tests/command_test_fixture.hpp"

namespace es::core::commands {
namespace {

constexpr std::string_view kShowUsage =
    "-USAGE: codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels "
    "[count|like <match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|"
    "aliases|complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|"
    "limits|status\n";

// A registry holding only a few commands keeps the expected tables short.
class ShowCommandsTest : public CommandTest {
 protected:
  ShowCommandsTest() {
    small_.add(ApiCommand{.name = "show", .function = rt_.api().list().front().function});
  }
  std::string show(std::string_view arg) { return run("show", arg); }
  ApiRegistry small_;
};

TEST_F(ShowCommandsTest, Usage) {
  EXPECT_EQ(show(""), kShowUsage);
  EXPECT_EQ(show("nonsense"), kShowUsage);
}

TEST_F(ShowCommandsTest, ZeroRowChannelTables) {
  EXPECT_EQ(show("channels"), "\n0 total.\n");
  EXPECT_EQ(show("calls"), "\n0 total.\n");
  EXPECT_EQ(show("channels count"), "\n0 total.\n");
  EXPECT_EQ(show("channels as xml"), "<result row_count=\"0\"/>\n");
  EXPECT_EQ(show("channels as json"), "{\"row_count\": 0}\n");
  EXPECT_EQ(show("channels count as xml"), "<result row_count=\"0\"></result>\n");
  EXPECT_EQ(show("calls count as json"), "{\"row_count\":0,\"rows\":[]}");
  EXPECT_EQ(show("registrations"), "\n0 total.\n");
  EXPECT_EQ(show("detailed_calls"), "\n0 total.\n");
  EXPECT_EQ(show("bridged_calls as csv"), "\n0 total.\n");
  EXPECT_EQ(show("channels as yaml"), "-ERR Cannot find format yaml\n");
}

TEST_F(ShowCommandsTest, ChannelRowsComeFromTheHook) {
  channels_.rows = [](std::string_view subject) {
    std::vector<std::vector<std::string>> rows;
    if (subject != "channels") return rows;
    std::vector<std::string> row(38);
    row[0] = "u-1";
    row[4] = "loopback/1000-a";
    rows.push_back(row);
    row[0] = "u-2";
    row[4] = "null/200";
    rows.push_back(row);
    return rows;
  };
  std::string title;
  for (const auto& column : channel_columns()) title += (title.empty() ? "" : ",") + column;
  std::string out = show("channels");
  EXPECT_EQ(out.substr(0, title.size() + 1), title + "\n");
  EXPECT_EQ(out.substr(out.size() - 10), "\n2 total.\n");
  EXPECT_EQ(show("channels count"), "\n2 total.\n");
  std::string like = show("channels like LOOPBACK");
  EXPECT_NE(like.find("u-1,"), std::string::npos);
  EXPECT_EQ(like.find("u-2,"), std::string::npos);
  EXPECT_EQ(like.substr(like.size() - 10), "\n1 total.\n");
  EXPECT_NE(show("channels like null%").find("\n1 total.\n"), std::string::npos);
  EXPECT_EQ(show("channels as delim |").substr(0, 10), "uuid|direc");
}

TEST_F(ShowCommandsTest, ColumnCounts) {
  EXPECT_EQ(channel_columns().size(), 38u);
  EXPECT_EQ(call_columns().size(), 41u);
  EXPECT_EQ(call_columns()[21], "b_uuid");
  EXPECT_EQ(call_columns().back(), "call_created_epoch");
  EXPECT_EQ(detailed_call_columns().size(), 65u);
  EXPECT_EQ(registration_columns().size(), 10u);
}

TEST_F(ShowCommandsTest, ApiRowsFromTheRegistry) {
  std::string out = show("api");
  EXPECT_EQ(out.substr(0, 28), "name,description,syntax,ikey");
  EXPECT_NE(out.find("\nstatus,Show current status,,mod_commands\n"), std::string::npos);
  // Commands without a description are not listed.
  EXPECT_EQ(out.find("\nconsole_complete,"), std::string::npos);
  EXPECT_EQ(show("api md5"),
            "name,description,syntax,ikey\nmd5,Return md5 hash,<data>,mod_commands\n\n1 total.\n");
  // "as" is only recognised as the second word, so a name filter keeps the default format.
  EXPECT_EQ(show("api md5 as json"), show("api md5"));
  std::string json = show("api as json");
  EXPECT_EQ(json.substr(0, 13), "{\"row_count\":");
  EXPECT_NE(json.find("{\"name\":\"md5\",\"description\":\"Return md5 hash\",\"syntax\":\"<data>\","
                      "\"ikey\":\"mod_commands\"}"),
            std::string::npos);
  EXPECT_EQ(json.back(), '}');
}

TEST_F(ShowCommandsTest, InterfacesModulesAndTypes) {
  rt_.interfaces().add(InterfaceEntry{.type = "application",
                                      .name = "park",
                                      .description = "Park",
                                      .syntax = "",
                                      .module = "mod_dptools"});
  rt_.interfaces().add(InterfaceEntry{.type = "endpoint", .name = "null", .module = "mod_null"});
  EXPECT_EQ(show("application"),
            "name,description,syntax,ikey\npark,Park,,mod_dptools\n\n1 total.\n");
  EXPECT_EQ(show("endpoints"), "type,name,ikey\nendpoint,null,mod_null\n\n1 total.\n");
  EXPECT_EQ(show("codec"), "\n0 total.\n");
  EXPECT_EQ(show("modules mod_null"),
            "type,name,ikey,filename\nendpoint,null,mod_null,\n\n1 total.\n");
  std::size_t api_count = rt_.api().list().size();
  EXPECT_EQ(show("interface_types"), "type,total\napi," + std::to_string(api_count) +
                                         "\napplication,1\nendpoint,1\n\n3 total.\n");
}

TEST_F(ShowCommandsTest, EmptyTablesOfOtherSubjects) {
  EXPECT_EQ(show("aliases"), "\n0 total.\n");
  EXPECT_EQ(show("complete"), "\n0 total.\n");
  EXPECT_EQ(show("nat_map"), "\n0 total.\n");
  EXPECT_EQ(show("tasks"), "\n0 total.\n");
}

TEST_F(ShowCommandsTest, ShowStatusRunsStatus) {
  EXPECT_EQ(show("status").substr(0, 3), "UP ");
}

TEST_F(ShowCommandsTest, Help) {
  std::string out = run("help");
  EXPECT_EQ(out.substr(0, 18), "\nValid Commands:\n\n");
  EXPECT_NE(out.find("\nmd5,<data>,Return md5 hash,mod_commands\n"), std::string::npos);
  EXPECT_NE(out.find("\nconsole_complete,<line>,,mod_commands\n"), std::string::npos);
  EXPECT_EQ(out.find("total."), std::string::npos);
  // FreeSWITCH ignores the name (show's command word never holds it): the whole list, no header.
  EXPECT_EQ(run("help", "md5"), out.substr(18));
}

// The recursive definition the matcher replaced, as the reference for small inputs.
bool like_reference(std::string_view text, std::string_view pattern) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '%') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (like_reference(text.substr(i), pattern.substr(1))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  if (pattern.front() != '_' && lower(pattern.front()) != lower(text.front())) return false;
  return like_reference(text.substr(1), pattern.substr(1));
}

TEST(SqlLike, Semantics) {
  EXPECT_TRUE(sql_like("loopback/1000-a", "%LOOPBACK%"));
  EXPECT_TRUE(sql_like("null/200", "null%"));
  EXPECT_FALSE(sql_like("null/200", "%null"));
  EXPECT_TRUE(sql_like("", "%"));
  EXPECT_TRUE(sql_like("", ""));
  EXPECT_FALSE(sql_like("a", ""));
  EXPECT_FALSE(sql_like("", "_"));
  EXPECT_TRUE(sql_like("abc", "a_c"));
  EXPECT_TRUE(sql_like("abcbc", "%b_"));
  EXPECT_FALSE(sql_like("ab", "a_c"));
  // Same answers as the recursive definition on every small text and pattern over a few letters.
  std::mt19937 random(7);
  const std::string letters = "aAb%_";
  for (int round = 0; round < 20000; ++round) {
    std::string text, pattern;
    for (int i = static_cast<int>(random() % 7); i > 0; --i) text += letters[random() % 3];
    for (int i = static_cast<int>(random() % 7); i > 0; --i) pattern += letters[random() % 5];
    ASSERT_EQ(sql_like(text, pattern), like_reference(text, pattern))
        << "text [" << text << "] pattern [" << pattern << "]";
  }
}

TEST(SqlLike, PathologicalPatternsFinishQuickly) {
  // Exponential for the recursive matcher (and a stack of one frame per '%' on long patterns).
  std::string text(20000, 'a');
  std::string pattern;
  for (int i = 0; i < 500; ++i) pattern += "%a";
  pattern += "%b";
  std::string percents(1 << 20, '%');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sql_like(text, pattern));
  EXPECT_TRUE(sql_like(text, percents));
  EXPECT_FALSE(sql_like(text, percents + "b"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(ShowCommandsTest, LikePatternLengthIsBounded) {
  channels_.rows = [](std::string_view) {
    return std::vector<std::vector<std::string>>{std::vector<std::string>(38, "x")};
  };
  std::string longest(kMaxLikePatternBytes, '%');
  EXPECT_NE(show("channels like " + longest).find("\n1 total.\n"), std::string::npos);
  EXPECT_EQ(show("channels like " + longest + "%"), "-ERR like pattern longer than 1024 bytes\n");
}

}  // namespace
}  // namespace es::core::commands
