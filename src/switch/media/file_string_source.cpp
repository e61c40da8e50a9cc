// The file_string format of mod_dptools: one playback made of several files.
#include "switch/media/file_string_source.hpp"

namespace es::media {

FileStringSource::FileStringSource(std::vector<std::string> parts, std::string_view sound_dir,
                                   FileCheck may_open, PartObserver observer)
    : parts_(std::move(parts)),
      sound_dir_(sound_dir),
      may_open_(std::move(may_open)),
      observer_(std::move(observer)) {}

OpenedSource FileStringSource::open(std::string_view list, std::string_view sound_dir,
                                    const FileCheck& may_open, const PartObserver& observer) {
  std::vector<std::string> parts;
  while (parts.size() + 1 < kMaxParts) {
    std::size_t bang = list.find('!');
    if (bang == std::string_view::npos) break;
    parts.emplace_back(list.substr(0, bang));
    list.remove_prefix(bang + 1);
  }
  parts.emplace_back(list);
  std::unique_ptr<FileStringSource> source(
      new FileStringSource(std::move(parts), sound_dir, may_open, observer));
  OpenedSource out;
  if (!source->next()) {
    out.not_found = true;
    out.error = "no file of the file_string could be opened";
    return out;
  }
  // The silence goes only before the list's very first part.
  if (source->index_ == 1) source->silence_frames_ = kLeadingSilenceFrames;
  out.source = std::move(source);
  return out;
}

bool FileStringSource::next() {
  if (current_) {
    current_.reset();
    if (observer_) observer_(PartEvent::kClosed, parts_[index_ - 1], {});
  }
  while (index_ < parts_.size()) {
    const std::string& part = parts_[index_++];
    OpenedSource opened = open_audio_source(part, sound_dir_, may_open_);
    if (opened.source) {
      current_ = std::move(opened.source);
      if (observer_) observer_(PartEvent::kOpened, part, {});
      return true;
    }
    if (observer_) observer_(PartEvent::kFailed, part, opened.error);
  }
  return false;
}

bool FileStringSource::read(Frame& out) {
  if (silence_frames_ > 0) {
    --silence_frames_;
    out.samples.fill(0);
    return true;
  }
  while (current_) {
    if (current_->read(out)) return true;
    if (!next()) return false;
  }
  return false;
}

}  // namespace es::media
