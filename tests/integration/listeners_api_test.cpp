// `api event_socket listeners [as json]` shows each connection with its format,
// subscriptions and counters.
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  for (;;) {
    auto at = text.find(separator);
    out.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

class ListenersApiTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  // A subscriber (json, one CUSTOM subclass, one filter) that has received one event, and
  // a second connection to ask from.
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(watched_, port()));
    expect_reply(watched_, "event json CUSTOM es::listed\n\n",
                 reply_frame("+OK event listener enabled json"));
    expect_reply(watched_, "filter X-Marker counted\n\n",
                 reply_frame("+OK filter added. [X-Marker]=[counted]"));
    ASSERT_FALSE(
        send_event(watched_, "CUSTOM", "Event-Subclass: es::listed\nX-Marker: counted\n").empty());
    auto event = watched_.read_frame();
    ASSERT_TRUE(event);
    ASSERT_TRUE(check_event_frame(*event, "json"));
    ASSERT_TRUE(connect_and_auth(asker_, port()));
    peer_ = "127.0.0.1:" + std::to_string(watched_.local_port());
  }
  std::string ask(std::string_view command) {
    EXPECT_TRUE(asker_.send(command));
    auto frame = asker_.read_frame();
    EXPECT_TRUE(frame);
    if (!frame) return {};
    EXPECT_EQ(frame->content_type(), "api/response");
    EXPECT_EQ(*frame->message.header("Content-Length"), std::to_string(frame->message.body.size()));
    return frame->message.body;
  }
  TestClient watched_, asker_;
  std::string peer_;
};

TEST_F(ListenersApiTest, TextTable) {
  std::string body = ask("api event_socket listeners\n\n");
  auto lines = split(body, '\n');
  ASSERT_GE(lines.size(), 3u) << body;
  auto columns = split(lines[0], ',');
  auto column = [&](std::string_view name) {
    auto it = std::find(columns.begin(), columns.end(), name);
    EXPECT_NE(it, columns.end()) << "no column " << name;
    return static_cast<std::size_t>(it - columns.begin());
  };
  std::vector<std::string> row;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto values = split(lines[i], ',');
    if (values.size() == columns.size() && values[column("peer")] == peer_) row = values;
  }
  ASSERT_FALSE(row.empty()) << "no row for " << peer_ << " in:\n" << body;
  EXPECT_EQ(row[column("format")], "json");
  EXPECT_EQ(row[column("subscriptions")], "CUSTOM es::listed");
  EXPECT_EQ(row[column("filters")], "1");
  EXPECT_EQ(row[column("authenticated")], "true");
  EXPECT_EQ(row[column("delivered_events")], "1");
  EXPECT_EQ(row[column("lost_events")], "0");
  EXPECT_EQ(row[column("queued_events")], "0");
  EXPECT_EQ(row[column("log_level")], "-1");
  // Two connections of this test (and maybe stragglers of others): "<n> total." closes it.
  EXPECT_TRUE(body.ends_with(" total.\n")) << body;
}

TEST_F(ListenersApiTest, JsonRows) {
  std::string body = ask("api event_socket listeners as json\n\n");
  ASSERT_TRUE(body.starts_with("{\"row_count\":")) << body;
  auto at = body.find("\"peer\":\"" + peer_ + "\"");
  ASSERT_NE(at, std::string::npos) << body;
  auto row_start = body.rfind('{', at);
  auto row_end = body.find('}', at);
  std::string row = body.substr(row_start, row_end - row_start + 1);
  EXPECT_NE(row.find("\"format\":\"json\""), std::string::npos) << row;
  EXPECT_NE(row.find("\"subscriptions\":\"CUSTOM es::listed\""), std::string::npos) << row;
  EXPECT_NE(row.find("\"filters\":\"1\""), std::string::npos) << row;
  EXPECT_NE(row.find("\"delivered_events\":\"1\""), std::string::npos) << row;
}

}  // namespace
}  // namespace es::itest
