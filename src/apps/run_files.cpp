#include "apps/run_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace es::apps {
namespace {

// Writes all of `text` to `fd`; false on an error (errno kept).
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

bool write_file_atomically(const std::string& path, std::string_view text, std::string* error) {
  std::string temporary = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = fmt::format("cannot create {}: {}", temporary, std::strerror(errno));
    return false;
  }
  bool written = write_all(fd, text);
  int saved = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    saved = errno;
  }
  if (!written) {
    ::unlink(temporary.c_str());
    *error = fmt::format("cannot write {}: {}", temporary, std::strerror(saved));
    return false;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    saved = errno;
    ::unlink(temporary.c_str());
    *error = fmt::format("cannot rename {} to {}: {}", temporary, path, std::strerror(saved));
    return false;
  }
  return true;
}

RunFiles::~RunFiles() {
  for (const auto& path : written_) ::unlink(path.c_str());
}

bool RunFiles::publish(const std::string& pid_file, const std::string& port_file, int ready_fd,
                       unsigned short port, std::string* error) {
  const std::pair<const std::string*, std::string> files[] = {
      {&pid_file, fmt::format("{}\n", ::getpid())}, {&port_file, fmt::format("{}\n", port)}};
  for (const auto& [path, text] : files) {
    if (path->empty()) continue;
    if (!write_file_atomically(*path, text, error)) return false;
    written_.push_back(*path);
  }
  if (ready_fd >= 0) {
    bool written = write_all(ready_fd, fmt::format("{}\n", port));
    int saved = errno;
    ::close(ready_fd);
    if (!written) {
      *error = fmt::format("cannot write to --ready-fd {}: {}", ready_fd, std::strerror(saved));
      return false;
    }
  }
  return true;
}

}  // namespace es::apps
