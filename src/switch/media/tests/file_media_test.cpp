#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <numbers>

#include "media_test_support.hpp"
#include "switch/media/audio_file_writer.hpp"
#include "switch/media/audio_source.hpp"

namespace es::media {
namespace {

using testing::drain;
using testing::TempDir;
using testing::write_wav;

std::vector<std::int16_t> ramp(std::size_t count) {
  std::vector<std::int16_t> out(count);
  for (std::size_t i = 0; i < count; ++i)
    out[i] = static_cast<std::int16_t>((i * 37) % 20000 - 10000);
  return out;
}

std::vector<std::int16_t> sine(std::size_t count, double freq, int rate, double amplitude) {
  std::vector<std::int16_t> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = static_cast<std::int16_t>(
        std::lround(amplitude * std::sin(2.0 * std::numbers::pi * freq * i / rate)));
  }
  return out;
}

std::vector<std::int16_t> write_frames(const std::string& path, int frames) {
  std::string error;
  auto writer = AudioFileWriter::open(path, &error);
  EXPECT_TRUE(writer) << error;
  std::vector<std::int16_t> all;
  if (!writer) return all;
  auto wave = ramp(static_cast<std::size_t>(frames) * kFrameSamples);
  for (int f = 0; f < frames; ++f) {
    Frame frame;
    std::copy_n(wave.begin() + static_cast<std::ptrdiff_t>(f) * kFrameSamples, kFrameSamples,
                frame.samples.begin());
    EXPECT_TRUE(writer->write(frame));
  }
  EXPECT_EQ(writer->frames_written(), frames);
  return wave;
}

TEST(AudioFileWriter, WavRoundTripIsExact) {
  TempDir dir;
  const auto wave = write_frames(dir.file("rec.wav"), 25);
  std::vector<std::int16_t> back;
  std::string error;
  ASSERT_TRUE(read_all_samples(dir.file("rec.wav"), back, &error)) << error;
  EXPECT_EQ(back, wave);
  SF_INFO info{};
  SNDFILE* f = sf_open(dir.file("rec.wav").c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  EXPECT_EQ(info.samplerate, 8000);
  EXPECT_EQ(info.channels, 1);
  sf_close(f);
}

TEST(AudioFileWriter, StereoInterleavesLeftAndRight) {
  TempDir dir;
  std::string error;
  auto writer = AudioFileWriter::open(dir.file("st.wav"), &error, 2);
  ASSERT_TRUE(writer) << error;
  EXPECT_EQ(writer->channels(), 2);
  Frame left;
  Frame right;
  for (std::size_t i = 0; i < kFrameSamples; ++i) {
    left.samples[i] = static_cast<std::int16_t>(i + 1);
    right.samples[i] = static_cast<std::int16_t>(-static_cast<int>(i) - 1);
  }
  EXPECT_TRUE(writer->write(left, right));
  EXPECT_TRUE(writer->write(left));  // one frame on both channels
  writer.reset();
  SF_INFO info{};
  SNDFILE* f = sf_open(dir.file("st.wav").c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.channels, 2);
  ASSERT_EQ(info.frames, 2 * kFrameSamples);
  std::vector<std::int16_t> back(static_cast<std::size_t>(info.frames) * 2);
  EXPECT_EQ(sf_readf_short(f, back.data(), info.frames), info.frames);
  sf_close(f);
  EXPECT_EQ(back[0], 1);
  EXPECT_EQ(back[1], -1);
  EXPECT_EQ(back[std::size_t{2} * 159], 160);
  EXPECT_EQ(back[std::size_t{2} * 159 + 1], -160);
  EXPECT_EQ(back[std::size_t{2} * 160], 1);
  EXPECT_EQ(back[std::size_t{2} * 160 + 1], 1);
  // A mono file takes no pair, and there is no third channel.
  auto mono = AudioFileWriter::open(dir.file("m.wav"), &error);
  ASSERT_TRUE(mono);
  EXPECT_FALSE(mono->write(left, right));
  EXPECT_FALSE(AudioFileWriter::open(dir.file("three.wav"), &error, 3));
}

TEST(AudioFileWriter, LosslessFormatsFollowTheExtension) {
  TempDir dir;
  const std::pair<const char*, int> cases[] = {{"a.au", SF_FORMAT_AU},
                                               {"a.flac", SF_FORMAT_FLAC},
                                               {"a.aiff", SF_FORMAT_AIFF},
                                               {"a.xyz", SF_FORMAT_WAV}};
  for (const auto& [name, major] : cases) {
    const auto wave = write_frames(dir.file(name), 10);
    std::vector<std::int16_t> back;
    std::string error;
    ASSERT_TRUE(read_all_samples(dir.file(name), back, &error)) << name << ": " << error;
    EXPECT_EQ(back, wave) << name;
    SF_INFO info{};
    SNDFILE* f = sf_open(dir.file(name).c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(info.format & SF_FORMAT_TYPEMASK, major) << name;
    sf_close(f);
  }
}

TEST(AudioFileWriter, RawAndMuLawReadBackAt8k) {
  TempDir dir;
  const auto wave = write_frames(dir.file("a.r8"), 4);
  std::vector<std::int16_t> back;
  std::string error;
  ASSERT_TRUE(read_all_samples(dir.file("a.r8"), back, &error)) << error;
  EXPECT_EQ(back, wave);
  EXPECT_EQ(std::filesystem::file_size(dir.file("a.r8")), wave.size() * 2);

  write_frames(dir.file("a.ul"), 4);
  EXPECT_EQ(std::filesystem::file_size(dir.file("a.ul")), wave.size());
  ASSERT_TRUE(read_all_samples(dir.file("a.ul"), back, &error)) << error;
  ASSERT_EQ(back.size(), wave.size());
  for (std::size_t i = 0; i < wave.size(); ++i) ASSERT_NEAR(back[i], wave[i], 400) << i;
}

TEST(AudioFileWriter, OggVorbisKeepsDuration) {
  TempDir dir;
  std::string error;
  auto writer = AudioFileWriter::open(dir.file("a.ogg"), &error);
  if (!writer) GTEST_SKIP() << "libsndfile without Vorbis: " << error;
  const auto wave = sine(8000, 440.0, 8000, 8000.0);
  for (std::size_t f = 0; f < 50; ++f) {
    Frame frame;
    std::copy_n(wave.begin() + static_cast<std::ptrdiff_t>(f * kFrameSamples), kFrameSamples,
                frame.samples.begin());
    ASSERT_TRUE(writer->write(frame));
  }
  writer.reset();
  std::vector<std::int16_t> back;
  ASSERT_TRUE(read_all_samples(dir.file("a.ogg"), back, &error)) << error;
  EXPECT_EQ(back.size(), wave.size());
}

TEST(AudioFileWriter, MissingDirectoryFails) {
  TempDir dir;
  std::string error;
  EXPECT_FALSE(AudioFileWriter::open(dir.file("no/such/dir/x.wav"), &error));
  EXPECT_FALSE(error.empty());
}

TEST(ReadAllSamples, UnreadableFileFails) {
  TempDir dir;
  std::vector<std::int16_t> out;
  std::string error;
  EXPECT_FALSE(read_all_samples(dir.file("none.wav"), out, &error));
  EXPECT_FALSE(error.empty());
  {
    std::FILE* f = std::fopen(dir.file("junk.wav").c_str(), "w");
    std::fputs("this is not audio", f);
    std::fclose(f);
  }
  error.clear();
  EXPECT_FALSE(read_all_samples(dir.file("junk.wav"), out, &error));
  EXPECT_FALSE(error.empty());
}

TEST(FileSource, EightKilohertzWavPlaysIdenticalSamples) {
  TempDir dir;
  const auto wave = ramp(160 * 7 + 33);  // ends mid-frame
  write_wav(dir.file("p.wav"), 8000, 1, wave);
  auto opened = open_audio_source(dir.file("p.wav"));
  ASSERT_TRUE(opened.source) << opened.error;
  EXPECT_FALSE(opened.not_found);
  const auto played = drain(*opened.source);
  ASSERT_EQ(played.size(), 8u * kFrameSamples);
  EXPECT_TRUE(std::equal(wave.begin(), wave.end(), played.begin()));
  // The last partial frame is padded with silence, and the source then stays ended.
  EXPECT_TRUE(std::all_of(played.begin() + static_cast<std::ptrdiff_t>(wave.size()), played.end(),
                          [](std::int16_t s) { return s == 0; }));
  Frame frame;
  EXPECT_FALSE(opened.source->read(frame));
}

TEST(FileSource, SixteenKilohertzStereoBecomesEightKilohertzMono) {
  TempDir dir;
  // Left and right carry the same 500 Hz tone at different levels: mono is their average.
  const auto left = sine(16000, 500.0, 16000, 12000.0);
  std::vector<std::int16_t> interleaved;
  for (std::int16_t s : left) {
    interleaved.push_back(s);
    interleaved.push_back(static_cast<std::int16_t>(s / 2));
  }
  write_wav(dir.file("st.wav"), 16000, 2, interleaved);

  std::vector<std::int16_t> mono;
  std::string error;
  ASSERT_TRUE(read_all_samples(dir.file("st.wav"), mono, &error)) << error;
  ASSERT_EQ(mono.size(), 8000u);
  const double expected_rms = 9000.0 / std::sqrt(2.0);
  EXPECT_NEAR(testing::rms(mono.data() + 400, 7200), expected_rms, expected_rms * 0.02);
  EXPECT_GT(testing::tone_share(mono.data() + 400, 7200, 500.0), 0.45);

  auto opened = open_audio_source(dir.file("st.wav"));
  ASSERT_TRUE(opened.source) << opened.error;
  const auto played = drain(*opened.source);
  EXPECT_EQ(played.size(), 8000u);
  EXPECT_TRUE(std::equal(mono.begin(), mono.end(), played.begin()));
}

TEST(FileSource, HighRateToneAboveEightKilohertzNyquistIsRemoved) {
  TempDir dir;
  write_wav(dir.file("hi.wav"), 48000, 1, sine(48000, 6000.0, 48000, 12000.0));
  std::vector<std::int16_t> mono;
  std::string error;
  ASSERT_TRUE(read_all_samples(dir.file("hi.wav"), mono, &error)) << error;
  ASSERT_EQ(mono.size(), 8000u);
  // 6 kHz would alias to 2 kHz at 8 kHz; the low-pass must keep it out.
  EXPECT_LT(testing::rms(mono.data() + 400, 7200), 12000.0 * 0.01);
}

TEST(FileSource, StartSampleSuffixSkipsIntoTheFile) {
  TempDir dir;
  const auto wave = ramp(1600);
  write_wav(dir.file("s.wav"), 8000, 1, wave);
  auto opened = open_audio_source(dir.file("s.wav") + "@@500");
  ASSERT_TRUE(opened.source) << opened.error;
  const auto played = drain(*opened.source);
  ASSERT_EQ(played.size(), 7u * kFrameSamples);  // 1100 samples left
  EXPECT_TRUE(std::equal(wave.begin() + 500, wave.end(), played.begin()));

  // Past the end: the seek falls back to the last sample, as libsndfile playback does.
  auto past = open_audio_source(dir.file("s.wav") + "@@99999");
  ASSERT_TRUE(past.source) << past.error;
  const auto tail = drain(*past.source);
  ASSERT_EQ(tail.size(), static_cast<std::size_t>(kFrameSamples));
  EXPECT_EQ(tail[0], wave.back());
}

TEST(FileSource, RelativePathsUseTheSoundDirAndRateFolders) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("ivr/8000"));
  write_wav(dir.file("ivr/8000/hello.wav"), 8000, 1, ramp(320));
  write_wav(dir.file("plain.wav"), 8000, 1, ramp(160));

  auto hello = open_audio_source("ivr/hello.wav", dir.path());
  ASSERT_TRUE(hello.source) << hello.error;
  EXPECT_EQ(drain(*hello.source).size(), 320u);

  auto plain = open_audio_source("plain", dir.path() + "/");  // no extension: .wav
  ASSERT_TRUE(plain.source) << plain.error;
  EXPECT_EQ(drain(*plain.source).size(), 160u);
}

TEST(FileSource, MissingFileIsNotFound) {
  TempDir dir;
  auto opened = open_audio_source(dir.file("nothing.wav"));
  EXPECT_FALSE(opened.source);
  EXPECT_TRUE(opened.not_found);
  EXPECT_FALSE(opened.error.empty());

  auto relative = open_audio_source("nothing.wav", dir.path());
  EXPECT_TRUE(relative.not_found);

  auto stream = open_audio_source("http://example.invalid/x.wav");
  EXPECT_FALSE(stream.source);
  EXPECT_TRUE(stream.not_found);
}

}  // namespace
}  // namespace es::media
