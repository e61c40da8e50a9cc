// file_string://: parts in order after the leading silence, a missing part reported and
// skipped, nothing playable is a failed open, and the 128-part split.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media_test_support.hpp"
#include "switch/media/audio_source.hpp"
#include "switch/media/file_string_source.hpp"

namespace es::media {
namespace {

using testing::drain;
using testing::TempDir;
using testing::write_wav;

// One frame of a constant value, so each part is recognisable.
std::vector<std::int16_t> constant(std::int16_t value) {
  return std::vector<std::int16_t>(kFrameSamples, value);
}

struct Seen {
  std::vector<std::string> log;
  PartObserver observer() {
    return [this](PartEvent what, const std::string& part, const std::string&) {
      const char* name = what == PartEvent::kOpened   ? "open"
                         : what == PartEvent::kClosed ? "close"
                                                      : "fail";
      log.push_back(std::string(name) + " " + part);
    };
  }
};

TEST(FileStringSource, PlaysPartsInOrderAfterTheLeadingSilence) {
  TempDir dir;
  write_wav(dir.file("a.wav"), 8000, 1, constant(100));
  write_wav(dir.file("b.wav"), 8000, 1, constant(200));
  Seen seen;
  auto opened =
      open_audio_source("file_string://a.wav!missing.wav!b", dir.path(), {}, seen.observer());
  ASSERT_TRUE(opened.source) << opened.error;
  std::vector<std::int16_t> out = drain(*opened.source);
  const std::size_t frame = kFrameSamples;
  const std::size_t silence = FileStringSource::kLeadingSilenceFrames * frame;
  ASSERT_EQ(out.size(), silence + 2 * frame);
  for (std::size_t i = 0; i < silence; ++i) ASSERT_EQ(out[i], 0) << i;
  EXPECT_EQ(out[silence], 100);
  EXPECT_EQ(out[silence + frame], 200);
  EXPECT_EQ(seen.log, (std::vector<std::string>{"open a.wav", "close a.wav", "fail missing.wav",
                                                "open b", "close b"}));
}

TEST(FileStringSource, NoSilenceWhenTheFirstPartIsMissing) {
  TempDir dir;
  write_wav(dir.file("b.wav"), 8000, 1, constant(200));
  auto opened = open_audio_source("file_string://nope!b", dir.path());
  ASSERT_TRUE(opened.source) << opened.error;
  std::vector<std::int16_t> out = drain(*opened.source);
  ASSERT_EQ(out.size(), static_cast<std::size_t>(kFrameSamples));
  EXPECT_EQ(out[0], 200);
}

TEST(FileStringSource, NothingPlayableFailsTheOpen) {
  TempDir dir;
  Seen seen;
  auto opened = open_audio_source("file_string://x!y", dir.path(), {}, seen.observer());
  EXPECT_FALSE(opened.source);
  EXPECT_TRUE(opened.not_found);
  EXPECT_EQ(seen.log, (std::vector<std::string>{"fail x", "fail y"}));
}

TEST(FileStringSource, TheLastOfTheMaximumPartsKeepsTheRest) {
  TempDir dir;
  std::string list;
  for (std::size_t i = 0; i < FileStringSource::kMaxParts + 2; ++i) {
    if (i > 0) list += '!';
    list += 'p';
    list += std::to_string(i);
  }
  Seen seen;
  open_audio_source("file_string://" + list, dir.path(), {}, seen.observer());
  ASSERT_EQ(seen.log.size(), FileStringSource::kMaxParts);
  EXPECT_EQ(seen.log.back(), "fail p127!p128!p129");
}

}  // namespace
}  // namespace es::media
