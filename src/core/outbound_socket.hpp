// The meeting point of the `socket` dialplan application (switch) and the event socket server
// (eventsocket) for outbound mode (docs/outbound.md): the application connects, then hands the
// connected descriptor and the call to whichever server installed Runtime::outbound_socket.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/access_policy.hpp"
#include "core/event.hpp"

namespace es::core {

struct OutboundSocketRequest {
  int native_fd = -1;  // a connected TCP socket; the handler owns it from the call on
  std::string session_uuid;
  bool async = false;  // `socket ... async`: sendmsg is queued (Socket-Mode: async)
  bool full = false;   // `socket ... full`: the whole command set (Control: full)
  // The rules of the call when it connected (docs/security-rights.md): the server obeys them
  // on top of its own, so a confined client cannot gain rights by starting `socket`.
  AccessRules rules;
  // Every callback may be called from any thread and must tolerate the call being gone.
  // Fills a CHANNEL_DATA event for `connect`: Channel-* caller profile, then channel data.
  std::function<void(Event& event)> fill_channel_data;
  // `getvar`: the ${name} lookup of the call.
  std::function<std::optional<std::string>(std::string_view name)> lookup_variable;
  // `resume` (docs/outbound.md): sets socket_resume=true and remembers the request, so the
  // dialplan goes on after the application once the connection ends.
  std::function<void()> resume;
  // Static mode sendmsg (docs/wire-protocol.md §5.8): runs `message` on the call and calls
  // `done` once it has finished; false when the call is gone (done is never called then).
  std::function<bool(Event message, std::function<void()> done)> execute_message;
  std::function<void()> on_connect;  // the application sent `connect`
  std::function<void()> on_end;      // the connection is over (called once)
};

// Installed by the event socket server; false when the request could not be adopted (the
// descriptor is closed then and on_end is never called).
using OutboundSocketHandler = std::function<bool(OutboundSocketRequest request)>;

}  // namespace es::core
