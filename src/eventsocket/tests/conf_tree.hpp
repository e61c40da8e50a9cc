// A small configuration directory under a fresh temporary directory, removed afterwards.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace es::eventsocket::testing {

class ConfTree {
 public:
  ConfTree() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "es_eventsocket_conf_XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~ConfTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  ConfTree(const ConfTree&) = delete;
  ConfTree& operator=(const ConfTree&) = delete;

  void write(const std::string& relative, std::string_view text) const {
    std::filesystem::path path = std::filesystem::path(root_) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  const std::string& dir() const { return root_; }

 private:
  std::string root_;
};

}  // namespace es::eventsocket::testing
