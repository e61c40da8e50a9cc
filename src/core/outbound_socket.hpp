// The meeting point of the `socket` dialplan application (switch) and the event socket server
// (eventsocket) for outbound mode (docs/outbound.md): the application connects, then hands the
// connected descriptor and its call to the OutboundSocketAcceptor installed in the Runtime.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/access_policy.hpp"
#include "core/event.hpp"

namespace es::core {

// The call behind an outbound connection, as the connection's listener reaches it; implemented
// by the `socket` application. Every member may be called from any thread and must tolerate
// the call being gone.
class OutboundCall {
 public:
  virtual ~OutboundCall() = default;

  // Fills a CHANNEL_DATA event for `connect`: the Channel-* caller profile, then channel data.
  virtual void fill_channel_data(Event& event) = 0;
  // `getvar`: the ${name} lookup of the call.
  virtual std::optional<std::string> lookup_variable(std::string_view name) = 0;
  // `resume`: sets socket_resume=true and remembers the request, so the dialplan goes on after
  // the application once the connection ends.
  virtual void resume() = 0;
  // Static mode sendmsg (docs/wire-protocol.md §5.8): runs `message` on the call, calls `done` once
  // it has finished; false when the call is gone (`done` is never called then).
  virtual bool execute_message(Event message, std::function<void()> done) = 0;
  // The application sent `connect` (called at most once).
  virtual void connected() = 0;
  // The connection is over (called exactly once for an adopted request).
  virtual void ended() = 0;
};

struct OutboundSocketRequest {
  int native_fd = -1;  // a connected TCP socket; the acceptor owns it from the call on
  std::string session_uuid;
  bool async = false;  // `socket ... async`: sendmsg is queued (Socket-Mode: async)
  bool full = false;   // `socket ... full`: the whole command set (Control: full)
  // The rules of the call when it connected (docs/security-rights.md): the server obeys them
  // on top of its own, so a confined client cannot gain rights by starting `socket`.
  AccessRules rules;
  std::shared_ptr<OutboundCall> call;  // never null
};

// Implemented by the event socket server, which installs itself in the Runtime.
class OutboundSocketAcceptor {
 public:
  virtual ~OutboundSocketAcceptor() = default;

  // Adopts the connection as a listener; false when it could not (the descriptor is closed
  // then and OutboundCall::ended is never called).
  virtual bool adopt(OutboundSocketRequest request) = 0;
};

}  // namespace es::core
