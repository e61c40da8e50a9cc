// Call detail record files (docs/cdr.md): mod_xml_cdr's and mod_json_cdr's disk output. The
// session thread builds a record in CS_REPORTING and hands it to one writer thread through a
// bounded queue, so no event-loop thread ever waits for the disk.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/bounded_queue.hpp"
#include "core/runtime.hpp"
#include "core/xml_config.hpp"

namespace es::sw {

class Session;

// One module's file output (xml_cdr.conf or json_cdr.conf).
struct CdrTarget {
  bool enabled = false;  // the configuration has a log-dir param
  std::string dir;       // absolute, or relative to the working directory
  bool log_b_leg = true;
  bool prefix_a_leg = false;
  bool encode_values = true;  // json_cdr's encode-values (url-encoded variable values)
};

struct CdrSettings {
  CdrTarget xml;
  CdrTarget json;
  bool any() const { return xml.enabled || json.enabled; }
};

// Reads <settings> of xml_cdr.conf and json_cdr.conf. `log_dir` is the switch's log directory:
// an empty log-dir means <log_dir>/xml_cdr (json_cdr), a relative one <log_dir>/<value>.
// Params for HTTP posting are accepted and named in one DEBUG line per file.
CdrSettings read_cdr_settings(const core::XmlConfig& config, std::string_view log_dir,
                              core::LogBus& log);

// "<prefix><uuid>.cdr.<ext>", or "" when `uuid` is not a plain name (letters, digits, '-', '_',
// '.' not first, at most kMaxUuidLength): a file name made from it can only ever be one entry
// of the log directory.
std::string cdr_file_name(std::string_view prefix, std::string_view uuid, std::string_view ext);

class CdrWriter {
 public:
  // Records waiting for the writer thread. Policy when full: the record is dropped, counted
  // (dropped()) and logged (a WARNING for the first drop and every 100th after it).
  static constexpr std::size_t kQueueCapacity = 1024;
  static constexpr std::size_t kMaxUuidLength = 256;

  CdrWriter(core::Runtime& runtime, CdrSettings settings);
  // Writes what is queued, then stops the thread.
  ~CdrWriter();
  CdrWriter(const CdrWriter&) = delete;
  CdrWriter& operator=(const CdrWriter&) = delete;

  // On the session's thread in CS_REPORTING: decides whether the leg gets records (log-b-leg,
  // process_cdr, force_process_cdr, prefix-a-leg), builds them and queues them.
  void record(const Session& session);

  const CdrSettings& settings() const { return settings_; }
  std::uint64_t written() const { return written_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }
  std::uint64_t failed() const { return failed_.load(); }

 private:
  struct Pending {
    std::string path;
    std::string text;
  };
  void queue(std::string path, std::string text);
  void run();
  void write_file(const Pending& item);

  core::Runtime& runtime_;
  const CdrSettings settings_;
  core::BoundedQueue<Pending> queue_{kQueueCapacity};
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace es::sw
