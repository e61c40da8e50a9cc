#include "media_test_support.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numbers>

namespace es::media::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "es_media_XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_wav(const std::string& path, int rate, int channels,
               const std::vector<std::int16_t>& interleaved) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  const auto frames =
      static_cast<sf_count_t>(interleaved.size() / static_cast<std::size_t>(channels));
  EXPECT_EQ(sf_writef_short(file, interleaved.data(), frames), frames);
  sf_close(file);
}

std::vector<std::int16_t> drain(AudioSource& source, std::size_t limit) {
  std::vector<std::int16_t> out;
  Frame frame;
  for (std::size_t i = 0; i < limit && source.read(frame); ++i) {
    out.insert(out.end(), frame.samples.begin(), frame.samples.end());
  }
  return out;
}

double rms(const std::int16_t* samples, std::size_t count) {
  if (count == 0) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < count; ++i) sum += static_cast<double>(samples[i]) * samples[i];
  return std::sqrt(sum / static_cast<double>(count));
}

double tone_share(const std::int16_t* samples, std::size_t count, double freq) {
  const double w = 2.0 * std::numbers::pi * freq / kSampleRate;
  const double coeff = 2.0 * std::cos(w);
  double s1 = 0.0;
  double s2 = 0.0;
  double energy = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double s0 = samples[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += static_cast<double>(samples[i]) * samples[i];
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  if (energy == 0.0) return 0.0;
  return power / (energy * static_cast<double>(count));
}

}  // namespace es::media::testing
