#include "switch/media/audio_file_writer.hpp"

#include <fmt/format.h>
#include <sndfile.h>

#include <array>
#include <string_view>

#include "protocol/ascii.hpp"

namespace es::media {
namespace {

int format_for(const std::string& path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  std::string ext;
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash))
    ext = protocol::to_lower(std::string_view(path).substr(dot + 1));

  struct Known {
    std::string_view ext;
    int format;
  };
  static constexpr std::array<Known, 14> kKnown{{
      {"wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
      {"au", SF_FORMAT_AU | SF_FORMAT_PCM_16},
      {"snd", SF_FORMAT_AU | SF_FORMAT_PCM_16},
      {"aif", SF_FORMAT_AIFF | SF_FORMAT_PCM_16},
      {"aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16},
      {"flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
      {"ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
      {"oga", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
      {"raw", SF_FORMAT_RAW | SF_FORMAT_PCM_16},
      {"r8", SF_FORMAT_RAW | SF_FORMAT_PCM_16},
      {"ul", SF_FORMAT_RAW | SF_FORMAT_ULAW},
      {"ulaw", SF_FORMAT_RAW | SF_FORMAT_ULAW},
      {"al", SF_FORMAT_RAW | SF_FORMAT_ALAW},
      {"alaw", SF_FORMAT_RAW | SF_FORMAT_ALAW},
  }};
  for (const Known& k : kKnown) {
    if (k.ext == ext) return k.format;
  }
  if (ext == "gsm") return SF_FORMAT_RAW | SF_FORMAT_GSM610;
  return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
}

}  // namespace

std::unique_ptr<AudioFileWriter> AudioFileWriter::open(const std::string& path, std::string* error,
                                                       int channels) {
  if (channels != 1 && channels != 2) {
    if (error != nullptr) *error = fmt::format("{}: {} channels", path, channels);
    return nullptr;
  }
  SF_INFO info{};
  info.samplerate = kSampleRate;
  info.channels = channels;
  info.format = format_for(path);
  if (sf_format_check(&info) == 0) {
    if (error != nullptr)
      *error = fmt::format("{}: format 0x{:08X} not supported by libsndfile", path, info.format);
    return nullptr;
  }
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) {
    if (error != nullptr) *error = fmt::format("{}: {}", path, sf_strerror(nullptr));
    return nullptr;
  }
  return std::unique_ptr<AudioFileWriter>(new AudioFileWriter(file, channels));
}

AudioFileWriter::~AudioFileWriter() {
  sf_close(file_);
}

bool AudioFileWriter::write(const Frame& frame) {
  if (channels_ == 2) return write(frame, frame);
  const sf_count_t wrote = sf_writef_short(file_, frame.samples.data(), kFrameSamples);
  if (wrote != kFrameSamples) return false;
  ++frames_written_;
  return true;
}

bool AudioFileWriter::write(const Frame& left, const Frame& right) {
  if (channels_ != 2) return false;
  std::array<std::int16_t, std::size_t{2} * kFrameSamples> both{};
  for (std::size_t i = 0; i < kFrameSamples; ++i) {
    both[2 * i] = left.samples[i];
    both[2 * i + 1] = right.samples[i];
  }
  const sf_count_t wrote = sf_writef_short(file_, both.data(), kFrameSamples);
  if (wrote != kFrameSamples) return false;
  ++frames_written_;
  return true;
}

}  // namespace es::media
