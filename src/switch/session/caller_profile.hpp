// A channel's caller profile (docs/call-behaviour.md §6.4, docs/event-formats.md §5.2): who calls
// whom, where the call is routed, and the channel's time table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event.hpp"

namespace es::sw {

struct ChannelTimes {
  std::int64_t profile_created = 0;  // microseconds since the epoch; 0: not happened
  std::int64_t created = 0;
  std::int64_t answered = 0;
  std::int64_t progress = 0;
  std::int64_t progress_media = 0;
  std::int64_t hungup = 0;
  std::int64_t transferred = 0;
  std::int64_t resurrected = 0;
  std::int64_t bridged = 0;
  std::int64_t last_hold = 0;
  std::int64_t hold_accum = 0;
};

struct CallerProfile {
  bool inbound = true;          // Direction
  bool logical_inbound = true;  // Logical-Direction
  std::string username;
  std::string dialplan;
  std::string caller_id_name;  // FreeSWITCH's default is empty
  std::string caller_id_number = "0000000000";
  std::string orig_caller_id_name;
  std::string orig_caller_id_number = "0000000000";
  std::string callee_id_name;
  std::string callee_id_number;
  std::string network_addr;
  std::string ani = "0000000000";
  std::string aniii;
  std::string destination_number;
  std::string uuid;
  std::string source;
  std::string transfer_source;
  std::string context = "default";
  std::string rdnis;
  std::string chan_name;
  int profile_index = 1;
  bool screen_bit = true;
  bool privacy_hide_name = false;
  bool privacy_hide_number = false;
  std::vector<std::pair<std::string, std::string>> soft;  // "soft" profile variables
  ChannelTimes times;

  // switch_caller_profile_new's defaults applied to given caller id values.
  static CallerProfile make(std::string_view caller_id_name, std::string_view caller_id_number,
                            std::string_view destination, std::string_view context,
                            std::string_view dialplan, std::string_view source);

  // The field named `name` (case-insensitive) as a string; nullopt for names that are not
  // profile fields.
  std::optional<std::string> field(std::string_view name) const;
  // Sets a text field by name (set_profile_var); false if `name` is not one.
  bool set_field(std::string_view name, std::string_view value);

  // Appends the <prefix>-* headers in FreeSWITCH's order (docs/event-formats.md §5.2).
  void add_event_headers(std::string_view prefix, core::Event& event) const;
};

}  // namespace es::sw
