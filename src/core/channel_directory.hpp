// What commands in `core` (show, uuid_dump, fsctl hupall...) read from the switch's channels,
// declared here and implemented by the switch (SwitchCore), so core never includes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace es::core {

class ChannelDirectory {
 public:
  virtual ~ChannelDirectory() = default;

  // Rows of a channel table for `show`: subject "channels", "calls", "detailed_calls",
  // "bridged_calls", "detailed_bridged_calls" or "registrations", each row in the columns
  // FreeSWITCH's `show` prints for that subject.
  virtual std::vector<std::vector<std::string>> channel_rows(std::string_view subject) const = 0;
  // Adds a live channel's data to `event` (what FreeSWITCH's switch_channel_event_set_data
  // adds); false when no live channel has that uuid.
  virtual bool fill_channel_data(std::string_view uuid, Event& event) const = 0;
  // fsctl hupall: hangs up every channel with cause MANAGER_REQUEST.
  virtual void hangup_all() = 0;
};

}  // namespace es::core
