#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace es::sip::sofia {

// What the sofia thread reports about a call, in plain types: no sofia-sip type leaves
// sofia_agent.cpp. `call` is the agent's token for the call's nua handle.
struct SipEvent {
  // kResponse: a response to an INVITE we sent (outbound call), 180 and above.
  // kRegister: a REGISTER, answered with SofiaAgent::reply / challenge on its token.
  enum class Kind { kInvite, kBye, kCancel, kTerminated, kResponse, kRegister };
  Kind kind = Kind::kInvite;
  std::uint64_t call = 0;
  // kInvite only.
  std::string from_user, from_host, from_display, to_user, to_host, req_user, req_host, req_uri,
      call_id, user_agent, contact_user, contact_host, network_addr, sdp;
  std::uint16_t network_port = 0;
  // kInvite: the Proxy-Authorization's parameters ("name=value"), empty without one;
  // kRegister: the Authorization's.
  std::vector<std::string> auth_params;
  // kRegister only: the first Contact (none: has_contact false), and the expiry asked for
  // (Expires header, else the contact's expires param; -1 when neither).
  bool has_contact = false;
  std::string contact_display, contact_port, contact_params;
  long expires = -1;
  int status = 0;  // kResponse only (call_id and sdp are set too)
};

// An INVITE to send (outbound call): Request-URI, From and To in SIP's text form, our offer.
struct OutboundInvite {
  std::string request_uri, from, to, sdp;
};

// One SIP profile's sofia-sip stack: a nua agent with its own su_root event loop on its own
// thread, as FreeSWITCH runs each profile. Events leave through the handler (called on the
// sofia thread; it must only queue). Commands from any thread wait in a bounded queue that the
// sofia thread drains between steps of its loop.
class SofiaAgent {
 public:
  using Handler = std::function<void(SipEvent)>;
  // Calls (nua handles) held at once; an INVITE beyond is answered 503 on the sofia thread.
  static constexpr std::size_t kMaxCalls = 1000;
  // Commands waiting for the sofia thread; beyond, a command is refused (false).
  static constexpr std::size_t kMaxCommands = 4096;
  // REGISTERs waiting for the switch's answer; one beyond is answered 503 on the sofia thread.
  static constexpr std::size_t kMaxPendingRequests = 256;

  SofiaAgent();
  ~SofiaAgent();
  SofiaAgent(const SofiaAgent&) = delete;
  SofiaAgent& operator=(const SofiaAgent&) = delete;

  // Binds sip:<ip>:<port> (UDP and TCP) and starts the thread; false with `error` when the
  // stack could not start (port in use...).
  bool start(const std::string& ip, std::uint16_t port, Handler handler, std::string* error);
  // Ends every call's handle, shuts the stack down and joins the thread.
  void stop();

  // A response to the call's INVITE (1xx-6xx), with an SDP body when `sdp` is not empty.
  bool respond(std::uint64_t call, int status, std::string sdp = {});
  // A 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) with `challenge` as that header.
  bool challenge(std::uint64_t call, int status, std::string challenge);
  // The final response to a REGISTER, with `contact` (e.g. `<sip:u@h>;expires=60`) if set.
  bool reply(std::uint64_t request, int status, std::string contact = {});
  bool bye(std::uint64_t call);
  // A token for an outbound call, before its INVITE is sent.
  std::uint64_t new_call();
  // Sends an INVITE for a token of new_call(); false when the command queue is full. Responses
  // come back as kResponse events, the end as kTerminated. Over kMaxCalls the call fails with
  // a 503 kResponse made up on the sofia thread.
  bool invite(std::uint64_t call, OutboundInvite invite);
  // CANCEL of an INVITE we sent that has no final response yet.
  bool cancel(std::uint64_t call);

  std::size_t calls() const { return calls_.load(std::memory_order_relaxed); }
  std::uint64_t invites() const;  // INVITEs received
  std::uint64_t refused() const;  // of them, refused 503 over kMaxCalls
  std::string url() const;

  struct Impl;  // sofia-side state (sofia_agent.cpp)

 private:
  struct Command {
    enum class Kind { kRespond, kBye, kInvite, kCancel } kind = Kind::kRespond;
    std::uint64_t call = 0;
    int status = 0;
    std::string sdp;
    std::string challenge;  // kRespond with 401 or 407: the authenticate header's value
    std::string contact;    // kRespond to a REGISTER: the Contact of the 200
    OutboundInvite invite;  // kInvite only
  };
  void send_invite(std::uint64_t call, const OutboundInvite& invite);
  void answer_request(std::uint64_t token, const Command& command);
  bool queue(Command command);
  void run();
  void drain();

  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::mutex mutex_;
  std::deque<Command> commands_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> calls_{0};
  std::string url_;
};

}  // namespace es::sip::sofia
