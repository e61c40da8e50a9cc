// A snapshot of one connection, for the `event_socket listeners` API command.
#pragma once

#include <cstdint>
#include <string>

namespace es::eventsocket {

struct ListenerStats {
  std::uint64_t id = 0;
  std::string peer;  // "ip:port"
  std::string user;  // "" for password auth, user@domain for userauth
  bool authenticated = false;
  std::string format;         // plain, json, xml
  std::string subscriptions;  // event names, space separated ("ALL" when all)
  std::size_t filters = 0;
  int log_level = -1;  // -1: not logging
  std::size_t queued_events = 0;
  std::size_t queued_logs = 0;
  std::size_t queued_bytes = 0;
  std::uint64_t delivered_events = 0;
  std::uint64_t lost_events = 0;
  std::uint64_t lost_logs = 0;
  std::int64_t connected_epoch_us = 0;
};

}  // namespace es::eventsocket
