// What a supervisor or a test harness learns once the daemon listens: --pid-file and
// --port-file (each written atomically, removed again when the daemon exits) and --ready-fd
// (the port and a newline written to an inherited descriptor, which is then closed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace es::apps {

// Writes `text` to `path` through a temporary file in the same directory and a rename, so a
// reader sees either no file or the whole text. False with *error set on failure.
bool write_file_atomically(const std::string& path, std::string_view text, std::string* error);

class RunFiles {
 public:
  RunFiles() = default;
  ~RunFiles();  // removes the files it wrote
  RunFiles(const RunFiles&) = delete;
  RunFiles& operator=(const RunFiles&) = delete;

  // Empty paths and a negative descriptor are skipped. False with *error set when one of them
  // cannot be written (the files already written are removed by the destructor).
  bool publish(const std::string& pid_file, const std::string& port_file, int ready_fd,
               unsigned short port, std::string* error);

 private:
  std::vector<std::string> written_;
};

}  // namespace es::apps
