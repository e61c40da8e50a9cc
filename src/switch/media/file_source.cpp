#include "switch/media/file_source.hpp"

#include <algorithm>

namespace es::media {

bool FileSource::read(Frame& out) {
  if (ended_) return false;
  const std::size_t got = reader_->read(out.samples.data(), out.samples.size());
  if (got < out.samples.size()) {
    ended_ = true;
    if (got == 0) return false;
    std::fill(out.samples.begin() + static_cast<std::ptrdiff_t>(got), out.samples.end(),
              std::int16_t{0});
  }
  return true;
}

bool read_all_samples(const std::string& path, std::vector<std::int16_t>& out, std::string* error) {
  out.clear();
  auto opened = SoundFileReader::open(path);
  if (!opened.reader) {
    if (error != nullptr) *error = opened.error;
    return false;
  }
  constexpr std::size_t kBlock = 4096;
  for (;;) {
    const std::size_t at = out.size();
    out.resize(at + kBlock);
    const std::size_t got = opened.reader->read(out.data() + at, kBlock);
    out.resize(at + got);
    if (got < kBlock) return true;
  }
}

}  // namespace es::media
