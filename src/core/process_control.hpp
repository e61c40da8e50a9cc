// What the process itself provides to commands (fsctl shutdown, reloadxml), declared here and
// implemented by the daemon, so commands and tests need no daemon.
#pragma once

#include <string>

namespace es::core {

class ProcessControl {
 public:
  virtual ~ProcessControl() = default;

  // Starts an orderly shutdown; returns at once (the shutdown runs on the event loop).
  virtual void request_shutdown() = 0;
  // Reads the XML configuration again; "" on success, else the error text.
  virtual std::string reload_xml() = 0;
};

}  // namespace es::core
