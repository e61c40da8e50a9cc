#include "switch/cdr_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

#include "core/log_bus.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/cdr_document.hpp"
#include "switch/session/session.hpp"

namespace es::sw {
namespace {

using namespace std::chrono_literals;

// mod_xml_cdr's and mod_json_cdr's params for posting to a web server: accepted, not used.
constexpr std::string_view kPostingParams[] = {"url",
                                               "cred",
                                               "retries",
                                               "delay",
                                               "timeout",
                                               "encode",
                                               "log-http-and-disk",
                                               "log-errors-to-disk",
                                               "err-log-dir",
                                               "auth-scheme",
                                               "enable-cacert-check",
                                               "enable-ssl-verifyhost",
                                               "ssl-cert-path",
                                               "ssl-key-path",
                                               "ssl-key-password",
                                               "ssl-version",
                                               "ssl-cacert-file",
                                               "cookie-file",
                                               "disable-100-continue",
                                               "rotate",
                                               "queue-capacity"};

bool is_posting_param(std::string_view name) {
  for (std::string_view p : kPostingParams) {
    if (protocol::iequals(p, name)) return true;
  }
  return false;
}

std::string join_dir(std::string_view base, std::string_view leaf) {
  std::string out(base);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(leaf);
  return out;
}

CdrTarget read_target(const core::XmlConfig& config, std::string_view name,
                      std::string_view default_leaf, std::string_view log_dir, core::LogBus& log) {
  CdrTarget target;
  pugi::xml_node settings = config.configuration(name).child("settings");
  std::string ignored;
  for (pugi::xml_node param : settings.children("param")) {
    std::string_view var = param.attribute("name").value();
    std::string_view val = param.attribute("value").value();
    if (protocol::iequals(var, "log-dir")) {
      target.enabled = true;
      if (val.empty()) {
        target.dir = join_dir(log_dir, default_leaf);
      } else if (val.front() == '/') {
        target.dir = std::string(val);
      } else {
        target.dir = join_dir(log_dir, val);
      }
    } else if (protocol::iequals(var, "log-b-leg")) {
      target.log_b_leg = text::switch_true(val);
    } else if (protocol::iequals(var, "prefix-a-leg")) {
      target.prefix_a_leg = text::switch_true(val);
    } else if (protocol::iequals(var, "encode-values") && !val.empty()) {
      target.encode_values = text::switch_true(val);
    } else {
      if (!ignored.empty()) ignored.append(", ");
      ignored.append(var);
      if (!is_posting_param(var)) ignored.append(" (unknown)");
    }
  }
  if (!ignored.empty()) {
    ES_LOG(log, core::LogLevel::kDebug,
           "{}: accepted and ignored (no HTTP posting; records go to log-dir only): {}", name,
           ignored);
  }
  return target;
}

bool plain_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

}  // namespace

CdrSettings read_cdr_settings(const core::XmlConfig& config, std::string_view log_dir,
                              core::LogBus& log) {
  CdrSettings settings;
  settings.xml = read_target(config, "xml_cdr.conf", "xml_cdr", log_dir, log);
  settings.json = read_target(config, "json_cdr.conf", "json_cdr", log_dir, log);
  return settings;
}

std::string cdr_file_name(std::string_view prefix, std::string_view uuid, std::string_view ext) {
  if (uuid.empty() || uuid.size() > CdrWriter::kMaxUuidLength || uuid.front() == '.') return {};
  for (char c : uuid) {
    if (!plain_name_char(c)) return {};
  }
  std::string name(prefix);
  name.append(uuid);
  name.append(".cdr.");
  name.append(ext);
  return name;
}

CdrWriter::CdrWriter(core::Runtime& runtime, CdrSettings settings)
    : runtime_(runtime), settings_(std::move(settings)) {
  for (const CdrTarget* target : {&settings_.xml, &settings_.json}) {
    if (!target->enabled) continue;
    std::error_code ec;
    std::filesystem::create_directories(target->dir, ec);
    if (ec) {
      ES_LOG(runtime_.log(), core::LogLevel::kErr, "cannot create CDR directory {}: {}",
             target->dir, ec.message());
    } else {
      ES_LOG(runtime_.log(), core::LogLevel::kNotice, "Setting log file path to {}", target->dir);
    }
  }
  thread_ = std::thread([this] { run(); });
}

CdrWriter::~CdrWriter() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void CdrWriter::record(const Session& session) {
  auto other = session.other_leg();
  const bool is_b = other && other->first == "originator";
  // process_cdr: false, a_only or b_only limit which legs get records (switch_core_state_machine).
  if (auto process = session.variable("process_cdr"); process && !process->empty()) {
    if (protocol::iequals(*process, "a_only")) {
      if (is_b) return;
    } else if (protocol::iequals(*process, "b_only")) {
      if (other && other->first == "originatee") return;
    } else if (!text::switch_true(*process)) {
      return;
    }
  }
  const std::string& uuid = session.uuid();
  auto wanted = [&](const CdrTarget& target) {
    if (!target.enabled) return false;
    if (is_b && !target.log_b_leg && !session.variable_true("force_process_cdr")) return false;
    return true;
  };
  if (wanted(settings_.xml)) {
    bool prefix = settings_.xml.prefix_a_leg;
    if (auto v = session.variable("prefix-a-leg")) prefix = text::switch_true(*v);
    std::string name = cdr_file_name(!is_b && prefix ? "a_" : "", uuid, "xml");
    if (name.empty()) {
      ES_LOG(runtime_.log(), core::LogLevel::kErr,
             "no XML CDR for uuid {:.64}: not a plain file name", uuid);
      failed_.fetch_add(1);
    } else {
      queue(join_dir(settings_.xml.dir, name), xml_cdr(session));
    }
  }
  if (wanted(settings_.json)) {
    std::string name =
        cdr_file_name(!is_b && settings_.json.prefix_a_leg ? "a_" : "", uuid, "json");
    if (name.empty()) {
      ES_LOG(runtime_.log(), core::LogLevel::kErr,
             "no JSON CDR for uuid {:.64}: not a plain file name", uuid);
      failed_.fetch_add(1);
    } else {
      queue(join_dir(settings_.json.dir, name),
            json_cdr(session, settings_.json.encode_values) + "\n");
    }
  }
}

void CdrWriter::queue(std::string path, std::string text) {
  if (queue_.try_push({std::move(path), std::move(text)})) return;
  std::uint64_t dropped = dropped_.fetch_add(1) + 1;
  if (dropped == 1 || dropped % 100 == 0) {
    ES_LOG(runtime_.log(), core::LogLevel::kWarning,
           "CDR queue full ({} records waiting for the disk): record dropped, {} so far",
           kQueueCapacity, dropped);
  }
}

void CdrWriter::run() {
  for (;;) {
    auto item = queue_.pop_for(100ms);
    if (item) {
      // The project's policy for work off the event loops: a failure ends this record, logged
      // and counted, never the writer thread (an escaping exception would end the process).
      try {
        write_file(*item);
      } catch (const std::exception& e) {
        failed_.fetch_add(1);
        ES_LOG(runtime_.log(), core::LogLevel::kErr, "CDR writer: {}: {}", item->path, e.what());
      }
      continue;
    }
    if (stopping_.load()) break;
  }
}

void CdrWriter::write_file(const Pending& item) {
  // O_NOFOLLOW: a symbolic link planted under the record's name is not followed; O_NONBLOCK: a
  // FIFO planted there fails the open instead of holding the writer (no effect on files).
  int fd = ::open(item.path.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640);
  bool ok = fd >= 0;
  int error = ok ? 0 : errno;
  std::size_t done = 0;
  while (ok && done < item.text.size()) {
    ssize_t n = ::write(fd, item.text.data() + done, item.text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (fd >= 0 && ::close(fd) != 0 && ok) {
    error = errno;
    ok = false;
  }
  if (ok) {
    written_.fetch_add(1);
    return;
  }
  failed_.fetch_add(1);
  ES_LOG(runtime_.log(), core::LogLevel::kErr, "Error writing [{}][{}]", item.path,
         std::strerror(error));
}

}  // namespace es::sw
