// filter command replies and filter semantics (docs/wire-protocol.md §5.2, §6.3).
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

class FilterTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(client_, port()));
    expect_reply(client_, "event plain CUSTOM es::filter\n\n",
                 reply_frame("+OK event listener enabled plain"));
  }
  void fire(std::string_view extra_headers, std::string_view marker) {
    std::string headers = "Event-Subclass: es::filter\n" + std::string(extra_headers) +
                          "X-Marker: " + std::string(marker) + "\n";
    ASSERT_FALSE(send_event(client_, "CUSTOM", headers).empty());
  }
  void expect_next_event(std::string_view marker) {
    auto frame = client_.read_frame();
    ASSERT_TRUE(frame) << "no event, wanted " << marker;
    ASSERT_TRUE(is_event(*frame)) << frame->raw;
    EXPECT_EQ(plain_header(*frame, "X-Marker"), marker);
  }
  TestClient client_;
};

TEST_F(FilterTest, AddReplies) {
  expect_reply(client_, "filter Event-Name CUSTOM\n\n",
               reply_frame("+OK filter added. [Event-Name]=[CUSTOM]"));
  expect_reply(client_, "filter add X-Key a value with spaces\n\n",
               reply_frame("+OK filter added. [X-Key]=[a value with spaces]"));
  expect_reply(client_, "filter    Unique-ID /^abc/i\n\n",
               reply_frame("+OK filter added. [Unique-ID]=[/^abc/i]"));
  // Quirk: "add" with a header but no value adds nothing and prints (null).
  expect_reply(client_, "filter add X-Key\n\n", reply_frame("+OK filter added. [X-Key]=[(null)]"));
}

TEST_F(FilterTest, InvalidSyntax) {
  expect_reply(client_, "filter X-Key\n\n", reply_frame("-ERR invalid syntax"));
  expect_reply(client_, "filter delete\n\n", reply_frame("-ERR invalid syntax"));
}

TEST_F(FilterTest, DeleteReplies) {
  expect_reply(client_, "filter X-Key one\n\n", reply_frame("+OK filter added. [X-Key]=[one]"));
  expect_reply(client_, "filter delete X-Key one\n\n",
               reply_frame("+OK filter deleted. [X-Key][one]"));
  expect_reply(client_, "filter delete X-Key\n\n", reply_frame("+OK filter deleted. [X-Key][]"));
  expect_reply(client_, "filter delete all\n\n", reply_frame("+OK filter deleted. [all][]"));
}

TEST_F(FilterTest, PositiveFilterAdmitsOnlyMatches) {
  expect_reply(client_, "filter X-Color red\n\n", reply_frame("+OK filter added. [X-Color]=[red]"));
  fire("X-Color: blue\n", "blue");
  fire("", "no-color-header");  // a filter on a missing header is skipped: not passing
  fire("X-Color: RED\n", "red-any-case");
  expect_next_event("red-any-case");
}

TEST_F(FilterTest, LaterNegativeFilterVetoes) {
  expect_reply(client_, "filter X-Color red\n\n", reply_frame("+OK filter added. [X-Color]=[red]"));
  expect_reply(client_, "filter X-Shape -square\n\n",
               reply_frame("+OK filter added. [X-Shape]=[-square]"));
  fire("X-Color: red\nX-Shape: square\n", "red-square");
  fire("X-Color: red\nX-Shape: circle\n", "red-circle");
  expect_next_event("red-circle");
}

TEST_F(FilterTest, RegexFilter) {
  expect_reply(client_, "filter X-Code /^ab[0-9]+$/i\n\n",
               reply_frame("+OK filter added. [X-Code]=[/^ab[0-9]+$/i]"));
  fire("X-Code: abc\n", "no-digits");
  fire("X-Code: AB42\n", "caseless-match");
  expect_next_event("caseless-match");
}

// A filter that backtracks catastrophically on a value ends as no match (PCRE2 match limit)
// instead of occupying the thread that fires the event.
TEST_F(FilterTest, BacktrackingRegexFilterEndsAsNoMatch) {
  expect_reply(client_, "filter X-Code /^(a+)+$/\n\n",
               reply_frame("+OK filter added. [X-Code]=[/^(a+)+$/]"));
  fire("X-Code: " + std::string(40, 'a') + "!\n", "exponential");
  fire("X-Code: aaaa\n", "match");
  expect_next_event("match");
}

TEST_F(FilterTest, FiltersPerConnectionAreCapped) {
  for (int i = 0; i < 256; ++i) {
    std::string value = std::to_string(i);
    value.insert(0, 1, 'v');
    expect_reply(client_, "filter X-N " + value + "\n\n",
                 reply_frame("+OK filter added. [X-N]=[" + value + "]"));
  }
  expect_reply(client_, "filter X-N one-more\n\n",
               reply_frame("-ERR too many filters (at most 256)"));
  expect_reply(client_, "filter delete X-N v0\n\n", reply_frame("+OK filter deleted. [X-N][v0]"));
  expect_reply(client_, "filter X-N one-more\n\n",
               reply_frame("+OK filter added. [X-N]=[one-more]"));
}

TEST_F(FilterTest, CustomSubclassesPerConnectionAreCapped) {
  // es::filter (from SetUp) and 255 more make 256.
  std::string words;
  for (int i = 0; i < 255; ++i) words.append(" es::sub").append(std::to_string(i));
  expect_reply(client_, "event plain CUSTOM" + words + "\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "event plain CUSTOM es::filter es::sub0\n\n",
               reply_frame("+OK event listener enabled plain"));  // already there: no new ones
  expect_reply(client_, "event plain CUSTOM es::one-more\n\n",
               reply_frame("-ERR too many event subclasses (at most 256)"));
}

// Quirk: with only negative filters nothing passes.
TEST_F(FilterTest, OnlyNegativeFiltersBlockEverything) {
  expect_reply(client_, "filter X-Color -red\n\n",
               reply_frame("+OK filter added. [X-Color]=[-red]"));
  fire("X-Color: blue\n", "blue");
  fire("X-Color: red\n", "red");
  EXPECT_TRUE(client_.expect_silence(300ms));
}

TEST_F(FilterTest, DeleteRestoresDelivery) {
  expect_reply(client_, "filter X-Color red\n\n", reply_frame("+OK filter added. [X-Color]=[red]"));
  fire("X-Color: blue\n", "blue-filtered");
  expect_reply(client_, "filter delete X-Color red\n\n",
               reply_frame("+OK filter deleted. [X-Color][red]"));
  fire("X-Color: blue\n", "blue-unfiltered");
  expect_next_event("blue-unfiltered");
}

// Filters apply to BACKGROUND_JOB too (docs/wire-protocol.md §6.3).
TEST_F(FilterTest, FiltersApplyToBackgroundJobs) {
  expect_reply(client_, "event plain BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "filter Job-UUID wanted-job\n\n",
               reply_frame("+OK filter added. [Job-UUID]=[wanted-job]"));
  expect_reply(client_, "bgapi echo a\nJob-UUID: unwanted-job\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: unwanted-job\n"
               "Job-UUID: unwanted-job\n\n");
  expect_reply(client_, "api msleep 100\n\n", api_frame("+OK"));
  expect_reply(client_, "bgapi echo b\nJob-UUID: wanted-job\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: wanted-job\n"
               "Job-UUID: wanted-job\n\n");
  auto frame = client_.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(plain_header(*frame, "Job-UUID"), "wanted-job");
}

}  // namespace
}  // namespace es::itest
