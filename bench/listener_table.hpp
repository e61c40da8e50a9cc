// Reads `api event_socket listeners as json` output: one row per connection with string
// values ({"row_count":n,"rows":[{"id":"1","peer":"127.0.0.1:5000",...},...]}).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace es::bench {

struct ListenerRow {
  std::int64_t queued_events = 0;
  std::int64_t queued_bytes = 0;
  std::int64_t delivered_events = 0;
  std::int64_t lost_events = 0;
};

// The row whose "peer" is `peer` ("127.0.0.1:port"), or nullopt when absent.
std::optional<ListenerRow> find_listener_row(std::string_view json, std::string_view peer);

}  // namespace es::bench
