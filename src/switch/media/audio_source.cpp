#include "switch/media/audio_source.hpp"

#include <fmt/format.h>

#include <optional>

#include "switch/media/file_source.hpp"
#include "switch/media/silence_source.hpp"
#include "switch/media/tone_script.hpp"
#include "switch/media/tone_source.hpp"

namespace es::media {
namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// Strips leading `{name=value,...}` blocks, keeping the one parameter a source here uses.
std::string_view strip_params(std::string_view spec, std::optional<std::string>& loops) {
  while (!spec.empty() && spec.front() == '{') {
    int depth = 0;
    std::size_t end = std::string_view::npos;
    for (std::size_t i = 0; i < spec.size(); ++i) {
      if (spec[i] == '{') ++depth;
      if (spec[i] == '}' && --depth == 0) {
        end = i;
        break;
      }
    }
    if (end == std::string_view::npos) break;
    std::string_view body = spec.substr(1, end - 1);
    while (!body.empty()) {
      const auto comma = body.find(',');
      const std::string_view pair = body.substr(0, comma);
      if (const auto eq = pair.find('=');
          eq != std::string_view::npos && pair.substr(0, eq) == "loops") {
        loops = std::string(pair.substr(eq + 1));
      }
      if (comma == std::string_view::npos) break;
      body.remove_prefix(comma + 1);
    }
    spec.remove_prefix(end + 1);
    while (!spec.empty() && spec.front() == ' ') spec.remove_prefix(1);
  }
  return spec;
}

bool has_extension(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  return dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
}

OpenedSource failed(std::string error) {
  OpenedSource out;
  out.not_found = true;
  out.error = std::move(error);
  return out;
}

}  // namespace

OpenedSource open_audio_source(std::string_view spec, std::string_view sound_dir) {
  // `@@<n>`: the first '@' must be doubled, as in the playback application.
  std::int64_t start_sample = 0;
  if (const auto at = spec.find('@');
      at != std::string_view::npos && at + 1 < spec.size() && spec[at + 1] == '@') {
    start_sample = leading_int(spec.substr(at + 2));
    spec = spec.substr(0, at);
  }
  std::optional<std::string> loops;
  spec = strip_params(spec, loops);
  if (spec.empty()) return failed("empty file name");

  OpenedSource out;
  std::string error;
  if (starts_with_nocase(spec, "silence_stream://")) {
    out.source = SilenceSource::parse(spec.substr(17), &error);
  } else if (starts_with_nocase(spec, "tone_stream://")) {
    out.source = ToneSource::parse(spec.substr(14), loops ? &*loops : nullptr, &error);
  } else if (spec.find("://") != std::string_view::npos) {
    return failed(fmt::format("unsupported stream [{}]", spec));
  } else {
    std::string path;
    if (spec.front() == '/' || sound_dir.empty()) {
      path = spec;
    } else {
      path = fmt::format("{}{}{}", sound_dir, sound_dir.back() == '/' ? "" : "/", spec);
    }
    // As in the reference, a name without extension is looked for as a WAV file.
    if (!has_extension(path)) path += ".wav";
    auto opened = SoundFileReader::open(path, start_sample < 0 ? 0 : start_sample, true);
    if (!opened.reader) return failed(std::move(opened.error));
    out.source = std::make_unique<FileSource>(std::move(opened.reader));
  }
  if (!out.source) return failed(std::move(error));
  return out;
}

}  // namespace es::media
