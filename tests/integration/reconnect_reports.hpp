// Collects what a client connection's reconnect handler reports, for tests that wait for the
// first report from the test thread (the handler runs on the connection's thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "client/sync_connection.hpp"

namespace es::itest {

class ReconnectReports {
 public:
  // Installs the handler; `connection` must not report after this object is gone.
  explicit ReconnectReports(client::SyncConnection& connection);

  // The first report, or nullopt if none came within `timeout`.
  std::optional<client::ReconnectInfo> wait_first(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<client::ReconnectInfo> reports_;
};

}  // namespace es::itest
