// Test audio shared by the media tests: a signal whose every stretch is unique, WAV files of
// it, and finding it in a recording.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "switch/media/audio_file_writer.hpp"

namespace es::sw::testing {

// The uuid of an originate's "+OK <uuid>" reply.
inline std::string uuid_of(const std::string& reply) {
  EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  return reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
}

// A pseudo-random signal: every stretch of it is unique, so finding it in a recording
// proves where (and that contiguously) it was recorded.
inline std::vector<std::int16_t> test_signal(std::size_t samples) {
  std::vector<std::int16_t> out(samples);
  std::uint32_t state = 12345;
  for (auto& v : out) {
    state = state * 1103515245u + 12345u;
    v = static_cast<std::int16_t>(static_cast<int>((state >> 16) % 16000) - 8000);
    if (v == 0) v = 1;
  }
  return out;
}

inline void write_wav(const std::string& path, const std::vector<std::int16_t>& samples) {
  std::string error;
  auto writer = media::AudioFileWriter::open(path, &error);
  ASSERT_TRUE(writer) << error;
  for (std::size_t i = 0; i < samples.size(); i += media::kFrameSamples) {
    media::Frame frame;
    for (int j = 0; j < media::kFrameSamples && i + j < samples.size(); ++j)
      frame.samples[j] = samples[i + j];
    writer->write(frame);
  }
}

// Index where `needle` occurs contiguously in `hay`, or -1.
inline long find_contiguous(const std::vector<std::int16_t>& hay,
                            const std::vector<std::int16_t>& needle) {
  if (needle.empty() || hay.size() < needle.size()) return -1;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (hay[i] != needle[0]) continue;
    if (std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<long>(i)))
      return static_cast<long>(i);
  }
  return -1;
}

}  // namespace es::sw::testing
