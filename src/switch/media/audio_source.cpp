#include "switch/media/audio_source.hpp"

#include <fmt/format.h>

#include <optional>

#include "protocol/ascii.hpp"
#include "switch/media/file_source.hpp"
#include "switch/media/file_string_source.hpp"
#include "switch/media/silence_source.hpp"
#include "switch/media/tone_script.hpp"
#include "switch/media/tone_source.hpp"

namespace es::media {
namespace {

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

namespace {

struct ParsedSpec {
  std::int64_t start_sample = 0;
  std::optional<std::string> loops;
  std::string_view spec;  // without @@ offset and {} parameters
};

ParsedSpec parse_spec(std::string_view spec) {
  ParsedSpec out;
  // `@@<n>`: the first '@' must be doubled, as in the playback application.
  if (const auto at = spec.find('@');
      at != std::string_view::npos && at + 1 < spec.size() && spec[at + 1] == '@') {
    out.start_sample = leading_int(spec.substr(at + 2));
    spec = spec.substr(0, at);
  }
  out.spec = strip_params(spec, out.loops);
  return out;
}

bool is_stream(std::string_view spec) {
  return spec.find("://") != std::string_view::npos;
}

std::string file_path(std::string_view spec, std::string_view sound_dir) {
  std::string path;
  if (spec.front() == '/' || sound_dir.empty()) {
    path = spec;
  } else {
    path = fmt::format("{}{}{}", sound_dir, sound_dir.back() == '/' ? "" : "/", spec);
  }
  // As in the reference, a name without extension is looked for as a WAV file.
  if (!has_extension(path)) path += ".wav";
  return path;
}

OpenedSource refused(std::string_view path) {
  return failed(fmt::format("permission denied: [{}] is outside the allowed directories", path));
}

}  // namespace

std::optional<std::string> audio_file_path(std::string_view spec, std::string_view sound_dir) {
  ParsedSpec parsed = parse_spec(spec);
  if (parsed.spec.empty() || is_stream(parsed.spec)) return std::nullopt;
  return file_path(parsed.spec, sound_dir);
}

OpenedSource open_audio_source(std::string_view spec_text, std::string_view sound_dir,
                               const FileCheck& may_open, const PartObserver& on_part) {
  ParsedSpec parsed = parse_spec(spec_text);
  std::string_view spec = parsed.spec;
  std::int64_t start_sample = parsed.start_sample;
  std::optional<std::string>& loops = parsed.loops;
  if (spec.empty()) return failed("empty file name");

  OpenedSource out;
  std::string error;
  if (protocol::istarts_with(spec, "file_string://")) {
    return FileStringSource::open(spec.substr(14), sound_dir, may_open, on_part);
  }
  if (protocol::istarts_with(spec, "silence_stream://")) {
    out.source = SilenceSource::parse(spec.substr(17), &error);
  } else if (protocol::istarts_with(spec, "tone_stream://")) {
    if (auto file = ToneSource::script_file(spec.substr(14));
        file && may_open && !may_open(*file)) {
      return refused(*file);
    }
    out.source = ToneSource::parse(spec.substr(14), loops ? &*loops : nullptr, &error);
  } else if (is_stream(spec)) {
    return failed(fmt::format("unsupported stream [{}]", spec));
  } else {
    std::string path = file_path(spec, sound_dir);
    if (may_open && !may_open(path)) return refused(path);
    auto opened = SoundFileReader::open(path, start_sample < 0 ? 0 : start_sample, true);
    if (!opened.reader) return failed(std::move(opened.error));
    out.source = std::make_unique<FileSource>(std::move(opened.reader));
  }
  if (!out.source) return failed(std::move(error));
  return out;
}

}  // namespace es::media
