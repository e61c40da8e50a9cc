// Gateway mode's settings: the upstream servers and the replay ring's bounds, from
// event_socket.conf's <upstreams> or the command line (docs/gateway.md, "Configuration").
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

namespace es::gateway {

struct UpstreamSpec {
  std::string name;  // used by `api @name ...`, the eventswitch::upstream event and the logs
  std::string host = "127.0.0.1";
  unsigned short port = 8021;
  std::string user;  // empty: "auth <password>"; else "userauth <user>:<password>"
  std::string password = "ClueCon";
};

// What each upstream connection subscribes to (docs/gateway.md, "Subscription").
enum class SubscriptionMode {
  kUnion,  // what the local clients need, plus what the gateway needs itself
  kAll,    // every event, so the replay ring holds everything
};

struct GatewayOptions {
  std::vector<UpstreamSpec> upstreams;  // the first is the default upstream
  // The replay ring (docs/gateway.md, "Replay"): whichever bound is reached first evicts.
  std::size_t replay_events = 10000;
  std::size_t replay_bytes = std::size_t{16} << 20;
  // Reconnection backoff to a lost upstream: doubles from the first to the most.
  std::chrono::milliseconds reconnect_initial{250};
  std::chrono::milliseconds reconnect_max{5000};
  // Longest wait for an upstream's reply to one command before the client gets -ERR.
  std::chrono::milliseconds command_timeout{30000};
  // The level each upstream is asked to stream log lines at (`log <level>`), merged into the
  // gateway's clients' `log` streams; empty: none.
  std::string upstream_log_level = "debug";
  SubscriptionMode subscription = SubscriptionMode::kUnion;
  // In union mode: how long an event type or subclass no client wants any more stays subscribed
  // upstream before one nixevent drops it (with whatever else is due then). A client that
  // reconnects within it misses nothing (its events stay in the replay ring), and one that
  // churns its subscription costs the upstream at most one `event` per delay for each item.
  std::chrono::milliseconds unsubscribe_delay{30000};

  bool enabled() const { return !upstreams.empty(); }
};

// Reads <upstreams> from <configuration name="event_socket.conf"> (the node given). Appends to
// *error (one line each) what was refused: a nameless or duplicate upstream, a bad port.
GatewayOptions read_gateway_options(pugi::xml_node event_socket_conf, std::string* error);

// "NAME=HOST:PORT" (an IPv6 host in brackets). nullopt with *error on bad input.
std::optional<UpstreamSpec> parse_upstream_argument(std::string_view text, std::string* error);

// The password of a command-line upstream: EVENTSWITCH_UPSTREAM_PASSWORD_<NAME> (name upper-cased,
// '-' as '_'), then EVENTSWITCH_UPSTREAM_PASSWORD, else the one given (a --upstream-password-file
// line, or ClueCon).
std::string upstream_password_from_environment(std::string_view name, std::string fallback);

}  // namespace es::gateway
