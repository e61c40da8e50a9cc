#include "reconnect_reports.hpp"

namespace es::itest {

ReconnectReports::ReconnectReports(client::SyncConnection& connection) {
  connection.set_reconnect_handler([this](const client::ReconnectInfo& info) {
    std::lock_guard lock(mutex_);
    reports_.push_back(info);
    changed_.notify_all();
  });
}

std::optional<client::ReconnectInfo> ReconnectReports::wait_first(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [this] { return !reports_.empty(); })) return std::nullopt;
  return reports_.front();
}

}  // namespace es::itest
