// Originate: creates the legs of a dial string, rings them, and returns the first that answers
// (or has early media), hanging up the others (docs/call-behaviour.md §8,
// docs/api-behaviour.md §4).
#pragma once

#include <asio/awaitable.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "switch/session/session.hpp"

namespace es::sw {

class SwitchCore;

struct OriginateOptions {
  int timeout_s = 60;
  std::optional<std::string> cid_name;
  std::optional<std::string> cid_num;
  SessionPtr caller;  // bridge: the calling session; the wait then runs on its strand
  // Variables applied to every leg before the dial string's own ({} level).
  std::vector<std::pair<std::string, std::string>> vars;
  // The confined client that asked (api originate); every leg obeys its rules, and those of
  // the caller (bridge).
  core::AccessRules rules;
};

struct OriginateResult {
  SessionPtr leg;  // answered (or early) leg, still held in CS_CONSUME_MEDIA
  int cause = 0;   // failure cause when leg is null
};

// Must run on the caller's strand when options.caller is set; otherwise on any strand.
asio::awaitable<OriginateResult> originate(SwitchCore& core, std::string dial_string,
                                           OriginateOptions options);

// Releases a leg returned by originate: runs `app(arg)` as its only application...
void start_leg_with_application(const SessionPtr& leg, std::string app, std::string arg);
// ...or transfers it to an extension (originate's <exten> [<dialplan>] [<context>]).
void start_leg_with_transfer(const SessionPtr& leg, const std::string& exten,
                             const std::string& dialplan, const std::string& context);

}  // namespace es::sw
