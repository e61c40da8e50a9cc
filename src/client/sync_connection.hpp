// Blocking facade over Connection for simple programs: runs an io_context on a background
// thread and waits for each operation. Methods throw ClientError exactly as the awaitables do.
//
//   es::client::SyncConnection conn;
//   conn.connect("127.0.0.1", 8021, es::client::Credentials::password_only("ClueCon"));
//   std::cout << conn.api("status");
//
// Calls may come from any thread, one at a time per call site; events are read with
// next_event() (or pushed to a handler that runs on the background thread).
#pragma once

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include <thread>

#include "client/connection.hpp"

namespace es::client {

class SyncConnection {
 public:
  explicit SyncConnection(ConnectionOptions options = {});
  // Closes the connection and stops the background thread.
  ~SyncConnection();
  SyncConnection(const SyncConnection&) = delete;
  SyncConnection& operator=(const SyncConnection&) = delete;

  void connect(const std::string& host, unsigned short port, const Credentials& credentials);
  void disconnect();
  bool is_open() const { return connection_.is_open(); }
  std::string close_reason() const { return connection_.close_reason(); }

  std::string api(const std::string& command, ApiOptions options = {});
  BackgroundJob bgapi(const std::string& command, const std::string& job_uuid = {});
  Reply subscribe(protocol::EventFormat format, const std::string& events);
  Reply unsubscribe(const std::string& events);
  Reply unsubscribe_all();
  Reply filter(const std::string& header, const std::string& value);
  Reply filter_delete(const std::string& header, const std::string& value = {});
  Reply log(const std::string& level);
  Reply nolog();
  Reply sendevent(const std::string& name, std::vector<Header> headers, std::string body = {});
  Reply sendmsg(const std::string& uuid, std::vector<Header> headers, std::string body = {});
  // The gateway's replay extension (Connection::replay).
  Reply replay(const std::string& core_uuid, std::uint64_t after);
  Event execute(const std::string& uuid, const std::string& app, const std::string& arg = {},
                bool event_lock = true);

  // The next event; nullopt after `timeout` (zero: wait forever) or when the connection ended.
  std::optional<Event> next_event(std::chrono::milliseconds timeout);
  // Handlers run on the background thread (see Connection).
  void set_event_handler(std::function<void(Event)> handler);
  void set_log_handler(std::function<void(LogLine)> handler);
  // See ConnectionOptions::reconnect; runs on the background thread.
  void set_reconnect_handler(std::function<void(const ReconnectInfo&)> handler);
  void set_disconnect_handler(std::function<void(const std::string& reason)> handler);

  Connection& async() { return connection_; }

 private:
  template <class T>
  T wait(asio::awaitable<T> operation) {
    return asio::co_spawn(io_, std::move(operation), asio::use_future).get();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  Connection connection_;
  std::thread thread_;
};

}  // namespace es::client
