#include "client/sync_connection.hpp"

namespace es::client {

SyncConnection::SyncConnection(ConnectionOptions options)
    : work_(asio::make_work_guard(io_)),
      connection_(io_.get_executor(), std::move(options)),
      thread_([this] {
        // Handlers of the library end their connection when they throw (spawn_completion);
        // should anything else escape, the loop goes on rather than end the process.
        for (;;) {
          try {
            io_.run();
            return;
          } catch (...) {
          }
        }
      }) {}

SyncConnection::~SyncConnection() {
  connection_.close();
  work_.reset();
  // The read loop ends once the socket is closed; then run() runs out of work.
  thread_.join();
}

void SyncConnection::connect(const std::string& host, unsigned short port,
                             const Credentials& credentials) {
  wait(connection_.connect(host, port, credentials));
}

void SyncConnection::disconnect() {
  wait(connection_.disconnect());
}

std::string SyncConnection::api(const std::string& command, ApiOptions options) {
  return wait(connection_.api(command, std::move(options)));
}

BackgroundJob SyncConnection::bgapi(const std::string& command, const std::string& job_uuid) {
  return wait(connection_.bgapi(command, job_uuid));
}

Reply SyncConnection::subscribe(protocol::EventFormat format, const std::string& events) {
  return wait(connection_.subscribe(format, events));
}

Reply SyncConnection::unsubscribe(const std::string& events) {
  return wait(connection_.unsubscribe(events));
}

Reply SyncConnection::unsubscribe_all() {
  return wait(connection_.unsubscribe_all());
}

Reply SyncConnection::filter(const std::string& header, const std::string& value) {
  return wait(connection_.filter(header, value));
}

Reply SyncConnection::filter_delete(const std::string& header, const std::string& value) {
  return wait(connection_.filter_delete(header, value));
}

Reply SyncConnection::log(const std::string& level) {
  return wait(connection_.log(level));
}

Reply SyncConnection::nolog() {
  return wait(connection_.nolog());
}

Reply SyncConnection::sendevent(const std::string& name, std::vector<Header> headers,
                                std::string body) {
  return wait(connection_.sendevent(name, std::move(headers), std::move(body)));
}

Reply SyncConnection::sendmsg(const std::string& uuid, std::vector<Header> headers,
                              std::string body) {
  return wait(connection_.sendmsg(uuid, std::move(headers), std::move(body)));
}

Reply SyncConnection::replay(const std::string& core_uuid, std::uint64_t after) {
  return wait(connection_.replay(core_uuid, after));
}

Event SyncConnection::execute(const std::string& uuid, const std::string& app,
                              const std::string& arg, bool event_lock) {
  return wait(connection_.execute(uuid, app, arg, event_lock));
}

std::optional<Event> SyncConnection::next_event(std::chrono::milliseconds timeout) {
  return wait(connection_.next_event(timeout));
}

void SyncConnection::set_event_handler(std::function<void(Event)> handler) {
  connection_.set_event_handler(std::move(handler));
}

void SyncConnection::set_log_handler(std::function<void(LogLine)> handler) {
  connection_.set_log_handler(std::move(handler));
}

void SyncConnection::set_reconnect_handler(std::function<void(const ReconnectInfo&)> handler) {
  connection_.set_reconnect_handler(std::move(handler));
}

void SyncConnection::set_disconnect_handler(std::function<void(const std::string&)> handler) {
  connection_.set_disconnect_handler(std::move(handler));
}

}  // namespace es::client
