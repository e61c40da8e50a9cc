// Dialplan applications by name, with the flags that decide where they may run
// (docs/call-behaviour.md §11).
#pragma once

#include <asio/awaitable.hpp>

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/ascii.hpp"

namespace es::sw {

class Session;

struct ApplicationFlags {
  bool no_media = false;  // NM: runs without auto pre-answer
  bool routing = false;   // R: allowed inline during routing
  bool zombie = false;    // Z: allowed after hangup
};

using ApplicationFunction = std::function<asio::awaitable<void>(Session&, std::string arg)>;
// Applications that never wait are plain functions: they can also run inline during routing.
using ApplicationSyncFunction = std::function<void(Session&, const std::string& arg)>;

struct Application {
  std::string name;
  std::string description;
  std::string syntax;
  ApplicationFlags flags;
  ApplicationFunction function;  // used when `sync` is empty
  ApplicationSyncFunction sync;
  std::string module = "mod_dptools";
};

class ApplicationRegistry {
 public:
  void add(Application app);
  // Case-insensitive; null when unknown.
  std::shared_ptr<const Application> find(std::string_view name) const;
  std::vector<std::shared_ptr<const Application>> list() const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const Application>, protocol::ILess> apps_;
};

}  // namespace es::sw
