#include "switch/media/sound_file_reader.hpp"

#include <fmt/format.h>
#include <sndfile.h>

#include <sys/stat.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <span>

#include "switch/media/frame.hpp"

namespace es::media {
namespace {

// File frames decoded per libsndfile call when converting.
constexpr std::size_t kChunkFrames = 480;

std::string_view extension_of(const std::string& path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  return std::string_view(path).substr(dot + 1);
}

// Headerless formats carry no rate or channel count; the extension says what they are.
bool describe_raw(std::string_view ext, SF_INFO& info) {
  struct Raw {
    std::string_view ext;
    int format;
    int rate;
  };
  static constexpr std::array<Raw, 9> kRaw{{
      {"raw", SF_FORMAT_RAW | SF_FORMAT_PCM_16, 8000},
      {"r8", SF_FORMAT_RAW | SF_FORMAT_PCM_16, 8000},
      {"r16", SF_FORMAT_RAW | SF_FORMAT_PCM_16, 16000},
      {"r24", SF_FORMAT_RAW | SF_FORMAT_PCM_24, 24000},
      {"r32", SF_FORMAT_RAW | SF_FORMAT_PCM_32, 32000},
      {"ul", SF_FORMAT_RAW | SF_FORMAT_ULAW, 8000},
      {"ulaw", SF_FORMAT_RAW | SF_FORMAT_ULAW, 8000},
      {"al", SF_FORMAT_RAW | SF_FORMAT_ALAW, 8000},
      {"alaw", SF_FORMAT_RAW | SF_FORMAT_ALAW, 8000},
  }};
  for (const Raw& raw : kRaw) {
    if (raw.ext == ext) {
      info.format = raw.format;
      info.samplerate = raw.rate;
      info.channels = 1;
      return true;
    }
  }
  return false;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

}  // namespace

std::vector<std::string> sound_file_candidates(const std::string& path) {
  std::vector<std::string> out;
  const auto slash = path.rfind('/');
  if (slash != std::string::npos) {
    const std::string dir = path.substr(0, slash + 1);
    const std::string name = path.substr(slash + 1);
    for (int rate : {8000, 48000, 32000, 16000})
      out.push_back(fmt::format("{}{}/{}", dir, rate, name));
  }
  out.push_back(path);
  return out;
}

SoundFileReader::OpenResult SoundFileReader::open(const std::string& path, std::int64_t start_frame,
                                                  bool search_rate_dirs) {
  OpenResult result;
  std::string chosen;
  const std::vector<std::string> candidates =
      search_rate_dirs ? sound_file_candidates(path) : std::vector<std::string>{path};
  for (const std::string& candidate : candidates) {
    if (file_exists(candidate)) {
      chosen = candidate;
      break;
    }
  }
  if (chosen.empty()) {
    result.not_found = true;
    result.error = fmt::format("{}: {}", path, std::strerror(ENOENT));
    return result;
  }

  SF_INFO info{};
  describe_raw(extension_of(chosen), info);
  SNDFILE* file = sf_open(chosen.c_str(), SFM_READ, &info);
  if (file == nullptr) {
    result.error = fmt::format("{}: {}", chosen, sf_strerror(nullptr));
    return result;
  }
  if (info.channels < 1 || info.samplerate < 1) {
    sf_close(file);
    result.error = fmt::format("{}: no audio", chosen);
    return result;
  }
  // Float files hold -1..1; have libsndfile scale them to the full 16-bit range.
  sf_command(file, SFC_SET_SCALE_FLOAT_INT_READ, nullptr, SF_TRUE);
  if (start_frame > 0 && info.seekable) {
    if (sf_seek(file, start_frame, SEEK_SET) < 0) sf_seek(file, -1, SEEK_END);
  }
  result.reader.reset(new SoundFileReader(file, info.samplerate, info.channels));
  return result;
}

SoundFileReader::SoundFileReader(SNDFILE* file, int rate, int channels)
    : file_(file), file_rate_(rate), file_channels_(channels) {
  if (channels > 1) interleaved_.resize(kChunkFrames * static_cast<std::size_t>(channels));
  if (channels > 1 || rate != kSampleRate) mono_.resize(kChunkFrames);
  if (rate != kSampleRate) resampler_.emplace(rate, kSampleRate);
}

SoundFileReader::~SoundFileReader() {
  sf_close(file_);
}

std::size_t SoundFileReader::read_mono(std::size_t frames) {
  if (file_channels_ == 1) {
    return static_cast<std::size_t>(
        sf_readf_short(file_, mono_.data(), static_cast<sf_count_t>(frames)));
  }
  const auto got = static_cast<std::size_t>(
      sf_readf_short(file_, interleaved_.data(), static_cast<sf_count_t>(frames)));
  const std::int16_t* in = interleaved_.data();
  for (std::size_t i = 0; i < got; ++i) {
    std::int32_t sum = 0;
    for (int c = 0; c < file_channels_; ++c) sum += *in++;
    mono_[i] = static_cast<std::int16_t>(sum / file_channels_);
  }
  return got;
}

std::size_t SoundFileReader::read(std::int16_t* out, std::size_t count) {
  if (!resampler_) {
    // Already 8 kHz: decode (and mix) straight into the caller's buffer, chunk by chunk.
    std::size_t done = 0;
    while (done < count && !file_ended_) {
      const std::size_t want = std::min(count - done, kChunkFrames);
      std::size_t got;
      if (file_channels_ == 1) {
        got = static_cast<std::size_t>(
            sf_readf_short(file_, out + done, static_cast<sf_count_t>(want)));
      } else {
        got = read_mono(want);
        std::copy_n(mono_.begin(), got, out + done);
      }
      if (got < want) file_ended_ = true;
      done += got;
    }
    return done;
  }

  std::size_t done = 0;
  while (done < count) {
    done += resampler_->pull(std::span<std::int16_t>(out + done, count - done));
    if (done == count || resampler_->drained()) break;
    if (file_ended_) {
      resampler_->finish();
      continue;
    }
    const std::size_t got = read_mono(kChunkFrames);
    if (got < kChunkFrames) file_ended_ = true;
    resampler_->push(std::span<const std::int16_t>(mono_.data(), got));
  }
  return done;
}

}  // namespace es::media
