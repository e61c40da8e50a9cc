// FreeSWITCH's configuration pre-processor: a line-oriented pass over the XML files that runs
// X-PRE-PROCESS / <!--# commands (set, include, env-set) and expands $${name} before the XML
// parser ever sees the text (src/switch_xml.c: preprocess).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/global_vars.hpp"

namespace es::core {

struct PreprocessedXml {
  // Where a run of output bytes came from; runs are sorted by offset.
  struct Origin {
    std::size_t offset = 0;
    std::size_t file = 0;  // index into files
    int line = 0;
  };

  std::string text;
  std::vector<std::string> files;
  std::vector<Origin> origins;
  std::vector<std::string> warnings;  // unreadable includes, skipped commands, ...
  std::string error;                  // set when the top-level file cannot be read

  // File name and 1-based line of output byte `offset` ("", 0 when unknown).
  std::pair<std::string, int> locate(std::size_t offset) const;
};

// Pre-processes `file`; relative include globs in it resolve against `cwd`, those in included
// files against the included file's own directory (as FreeSWITCH does). Variables set along the
// way go into `globals` immediately, so later lines see them.
PreprocessedXml preprocess_xml_file(const std::string& cwd, const std::string& file,
                                    GlobalVars& globals);

// Same for text that does not live in a file; `name` only labels origins and messages.
PreprocessedXml preprocess_xml_text(const std::string& cwd, std::string_view name,
                                    std::string_view text, GlobalVars& globals);

}  // namespace es::core
