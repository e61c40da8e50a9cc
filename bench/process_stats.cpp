#include "process_stats.hpp"

#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace es::bench {
namespace {

// "VmRSS:\t  1234 kB" -> 1234
std::int64_t leading_number(const std::string& text) {
  std::size_t start = text.find_first_of("0123456789");
  if (start == std::string::npos) return 0;
  return std::stoll(text.substr(start));
}

}  // namespace

std::optional<ProcessSample> sample_process(int pid) {
  if (pid <= 0) return std::nullopt;
  std::string base = "/proc/" + std::to_string(pid);
  std::ifstream status(base + "/status");
  if (!status) return std::nullopt;
  ProcessSample sample;
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      sample.rss_kb = leading_number(line.substr(6));
    } else if (line.starts_with("VmHWM:")) {
      sample.peak_rss_kb = leading_number(line.substr(6));
    } else if (line.starts_with("Threads:")) {
      sample.threads = leading_number(line.substr(8));
    }
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it(base + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++sample.open_fds;
  }
  if (ec) return std::nullopt;
  return sample;
}

JsonLine to_json(const ProcessSample& sample) {
  JsonLine json;
  json.add("rss_kb", sample.rss_kb)
      .add("peak_rss_kb", sample.peak_rss_kb)
      .add("threads", sample.threads)
      .add("fds", sample.open_fds);
  return json;
}

std::uint64_t raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

}  // namespace es::bench
