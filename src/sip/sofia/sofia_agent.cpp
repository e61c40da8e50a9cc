#include "sip/sofia/sofia_agent.hpp"

#include <netdb.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_wait.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <unordered_map>

namespace es::sip::sofia {

struct SofiaAgent::Impl {
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  Handler handler;
  // Taken by the sofia thread (inbound) and by callers of invite() (outbound).
  std::atomic<std::uint64_t> next_call{1};
  // Our tokens for nua's handles, both ways; only the sofia thread touches them.
  std::unordered_map<std::uint64_t, nua_handle_t*> handles;
  std::unordered_map<nua_handle_t*, std::uint64_t> tokens;
  // REGISTERs waiting for an answer: their handle and request message (a reference of ours,
  // nua_respond needs it for a request outside a dialog).
  struct Pending {
    nua_handle_t* nh = nullptr;
    msg_t* msg = nullptr;
  };
  std::unordered_map<std::uint64_t, Pending> requests;
  bool shutdown_done = false;
  std::atomic<std::uint64_t> invites{0};
  std::atomic<std::uint64_t> refused{0};
};

namespace {

// The sofia loop runs in steps so that queued commands are picked up at least this often.
constexpr su_duration_t kStepMs = 5;

std::string text(const char* value) {
  return value != nullptr ? value : "";
}

void forget(SofiaAgent::Impl& impl, nua_handle_t* nh) {
  const auto it = impl.tokens.find(nh);
  if (it == impl.tokens.end()) return;
  impl.handles.erase(it->second);
  impl.tokens.erase(it);
  nua_handle_destroy(nh);
}

void source_address(SofiaAgent::Impl& impl, SipEvent& ev);

SipEvent invite_event(SofiaAgent::Impl& impl, std::uint64_t call, const sip_t* sip) {
  SipEvent ev;
  ev.kind = SipEvent::Kind::kInvite;
  ev.call = call;
  if (sip->sip_from != nullptr) {
    ev.from_user = text(sip->sip_from->a_url->url_user);
    ev.from_host = text(sip->sip_from->a_url->url_host);
    ev.from_display = text(sip->sip_from->a_display);
  }
  if (sip->sip_to != nullptr) {
    ev.to_user = text(sip->sip_to->a_url->url_user);
    ev.to_host = text(sip->sip_to->a_url->url_host);
  }
  if (sip->sip_request != nullptr) {
    const url_t* url = sip->sip_request->rq_url;
    ev.req_user = text(url->url_user);
    ev.req_host = text(url->url_host);
    ev.req_uri = ev.req_user.empty() ? ev.req_host : ev.req_user + "@" + ev.req_host;
    if (url->url_port != nullptr) ev.req_uri += std::string(":") + url->url_port;
  }
  if (sip->sip_call_id != nullptr) ev.call_id = text(sip->sip_call_id->i_id);
  if (sip->sip_user_agent != nullptr) ev.user_agent = text(sip->sip_user_agent->g_string);
  if (sip->sip_contact != nullptr) {
    ev.contact_user = text(sip->sip_contact->m_url->url_user);
    ev.contact_host = text(sip->sip_contact->m_url->url_host);
  }
  if (sip->sip_payload != nullptr && sip->sip_payload->pl_data != nullptr) {
    ev.sdp.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  }
  // The first Proxy-Authorization, as mod_sofia reads for an INVITE.
  if (sip->sip_proxy_authorization != nullptr) {
    for (const msg_param_t* p = sip->sip_proxy_authorization->au_params; p != nullptr && *p; ++p) {
      ev.auth_params.emplace_back(*p);
    }
  }
  source_address(impl, ev);
  return ev;
}

// The packet's source address, as FreeSWITCH's network_addr.
void source_address(SofiaAgent::Impl& impl, SipEvent& ev) {
  if (msg_t* msg = nua_current_request(impl.nua)) {
    if (const su_addrinfo_t* ai = msg_addrinfo(msg); ai != nullptr && ai->ai_addr != nullptr) {
      char host[NI_MAXHOST] = {};
      char port[NI_MAXSERV] = {};
      if (getnameinfo(ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen), host, sizeof host, port,
                      sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        ev.network_addr = host;
        ev.network_port = static_cast<std::uint16_t>(std::atoi(port));
      }
    }
  }
}

SipEvent register_event(SofiaAgent::Impl& impl, std::uint64_t token, const sip_t* sip) {
  SipEvent ev;
  ev.kind = SipEvent::Kind::kRegister;
  ev.call = token;
  if (sip->sip_from != nullptr) {
    ev.from_user = text(sip->sip_from->a_url->url_user);
    ev.from_host = text(sip->sip_from->a_url->url_host);
  }
  if (sip->sip_to != nullptr) {
    ev.to_user = text(sip->sip_to->a_url->url_user);
    ev.to_host = text(sip->sip_to->a_url->url_host);
    ev.from_display = text(sip->sip_to->a_display);  // the display of last resort
  }
  if (sip->sip_call_id != nullptr) ev.call_id = text(sip->sip_call_id->i_id);
  if (sip->sip_user_agent != nullptr) ev.user_agent = text(sip->sip_user_agent->g_string);
  if (const sip_contact_t* m = sip->sip_contact; m != nullptr && m->m_url->url_type != url_any) {
    ev.has_contact = true;
    ev.contact_display = text(m->m_display);
    ev.contact_user = text(m->m_url->url_user);
    ev.contact_host = text(m->m_url->url_host);
    ev.contact_port = text(m->m_url->url_port);
    ev.contact_params = text(m->m_url->url_params);
    if (m->m_expires != nullptr) ev.expires = std::atol(m->m_expires);
  }
  if (sip->sip_expires != nullptr) ev.expires = static_cast<long>(sip->sip_expires->ex_delta);
  if (sip->sip_authorization != nullptr) {
    for (const msg_param_t* p = sip->sip_authorization->au_params; p != nullptr && *p; ++p) {
      ev.auth_params.emplace_back(*p);
    }
  }
  source_address(impl, ev);
  return ev;
}

void on_nua_event(nua_event_t event, int status, char const* /*phrase*/, nua_t* /*nua*/,
                  nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* /*hmagic*/, sip_t const* sip,
                  tagi_t tags[]) {
  auto& impl = *static_cast<SofiaAgent::Impl*>(magic);
  switch (event) {
    case nua_i_invite: {
      if (nh == nullptr || sip == nullptr) return;
      impl.invites.fetch_add(1, std::memory_order_relaxed);
      if (impl.handles.size() >= SofiaAgent::kMaxCalls) {
        impl.refused.fetch_add(1, std::memory_order_relaxed);
        nua_respond(nh, 503, "Maximum Calls In Progress", TAG_END());
        nua_handle_destroy(nh);
        return;
      }
      const std::uint64_t call = impl.next_call.fetch_add(1, std::memory_order_relaxed);
      impl.handles[call] = nh;
      impl.tokens[nh] = call;
      impl.handler(invite_event(impl, call, sip));
      return;
    }
    case nua_r_invite: {
      // Responses to our INVITE; 100 Trying says nothing the switch uses.
      if (status < 180) return;
      const auto it = impl.tokens.find(nh);
      if (it == impl.tokens.end()) return;
      SipEvent ev;
      ev.kind = SipEvent::Kind::kResponse;
      ev.call = it->second;
      ev.status = status;
      if (sip != nullptr) {
        if (sip->sip_call_id != nullptr) ev.call_id = text(sip->sip_call_id->i_id);
        if (sip->sip_payload != nullptr && sip->sip_payload->pl_data != nullptr) {
          ev.sdp.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
        }
      }
      impl.handler(std::move(ev));
      return;
    }
    case nua_i_bye:
    case nua_i_cancel: {
      const auto it = impl.tokens.find(nh);
      if (it == impl.tokens.end()) return;
      SipEvent ev;
      ev.kind = event == nua_i_bye ? SipEvent::Kind::kBye : SipEvent::Kind::kCancel;
      ev.call = it->second;
      impl.handler(std::move(ev));
      return;
    }
    case nua_i_state: {
      int state = nua_callstate_init;
      tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
      if (state != nua_callstate_terminated) return;
      const auto it = impl.tokens.find(nh);
      if (it == impl.tokens.end()) return;
      SipEvent ev;
      ev.kind = SipEvent::Kind::kTerminated;
      ev.call = it->second;
      forget(impl, nh);
      impl.handler(std::move(ev));
      return;
    }
    case nua_r_shutdown:
      if (status >= 200) impl.shutdown_done = true;
      return;
    case nua_i_options:
      // nua has answered it; the handle it made for the request is ours to free.
      if (nh != nullptr && impl.tokens.find(nh) == impl.tokens.end()) nua_handle_destroy(nh);
      return;
    case nua_i_register: {
      if (nh == nullptr || sip == nullptr) return;
      msg_t* msg = nua_current_request(impl.nua);
      if (impl.requests.size() >= SofiaAgent::kMaxPendingRequests || msg == nullptr) {
        nua_respond(nh, 503, sip_503_Service_unavailable, NUTAG_WITH_CURRENT(impl.nua), TAG_END());
        nua_handle_destroy(nh);
        return;
      }
      const std::uint64_t token = impl.next_call.fetch_add(1, std::memory_order_relaxed);
      impl.requests[token] = {nh, msg_ref_create(msg)};
      impl.handler(register_event(impl, token, sip));
      return;
    }
    case nua_i_message:
    case nua_i_subscribe:
    case nua_i_publish:
    case nua_i_refer:
    case nua_i_info:
    case nua_i_notify:
      // Not served yet (registrations, SIP INFO DTMF...): refused, and a handle made for a
      // request outside any call is freed so that a flood cannot pile them up.
      if (nh == nullptr) return;
      nua_respond(nh, 501, sip_501_Not_implemented, TAG_END());
      if (impl.tokens.find(nh) == impl.tokens.end()) nua_handle_destroy(nh);
      return;
    default:
      return;
  }
}

}  // namespace

SofiaAgent::SofiaAgent() : impl_(std::make_unique<Impl>()) {}

std::uint64_t SofiaAgent::invites() const {
  return impl_->invites.load(std::memory_order_relaxed);
}

std::uint64_t SofiaAgent::refused() const {
  return impl_->refused.load(std::memory_order_relaxed);
}

SofiaAgent::~SofiaAgent() {
  stop();
}

std::string SofiaAgent::url() const {
  return url_;
}

bool SofiaAgent::start(const std::string& ip, std::uint16_t port, Handler handler,
                       std::string* error) {
  impl_->handler = std::move(handler);
  url_ = "sip:" + ip + ":" + std::to_string(port);
  std::promise<std::string> started;
  auto result = started.get_future();
  // The root belongs to the thread that creates it: everything sofia happens on that thread.
  thread_ = std::thread([this, &started] {
    su_init();
    impl_->root = su_root_create(nullptr);
    if (impl_->root != nullptr) {
      impl_->nua =
          nua_create(impl_->root, on_nua_event, impl_.get(), NUTAG_URL(url_.c_str()),
                     NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0),
                     NUTAG_AUTOACK(1), NUTAG_ENABLEINVITE(1), NUTAG_ALLOW("REGISTER"), TAG_END());
    }
    if (impl_->nua == nullptr) {
      if (impl_->root != nullptr) su_root_destroy(impl_->root);
      impl_->root = nullptr;
      su_deinit();
      started.set_value("cannot start the SIP stack on " + url_);
      return;
    }
    started.set_value({});
    run();
  });
  const std::string failure = result.get();
  if (!failure.empty()) {
    thread_.join();
    if (error != nullptr) *error = failure;
    return false;
  }
  return true;
}

void SofiaAgent::run() {
  while (!stopping_.load(std::memory_order_acquire)) {
    drain();
    su_root_step(impl_->root, kStepMs);
  }
  drain();
  for (const auto& [call, nh] : impl_->handles) nua_handle_destroy(nh);
  impl_->handles.clear();
  for (const auto& [token, pending] : impl_->requests) {
    msg_destroy(pending.msg);
    nua_handle_destroy(pending.nh);
  }
  impl_->requests.clear();
  impl_->tokens.clear();
  nua_shutdown(impl_->nua);
  // nua finishes its transactions before reporting; bounded so a stuck peer cannot hold us.
  for (int i = 0; i < 400 && !impl_->shutdown_done; ++i) su_root_step(impl_->root, kStepMs);
  nua_destroy(impl_->nua);
  su_root_destroy(impl_->root);
  su_deinit();
}

void SofiaAgent::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true, std::memory_order_release);
  thread_.join();
}

bool SofiaAgent::queue(Command command) {
  const std::scoped_lock lock(mutex_);
  if (commands_.size() >= kMaxCommands) return false;
  commands_.push_back(std::move(command));
  return true;
}

bool SofiaAgent::respond(std::uint64_t call, int status, std::string sdp) {
  return queue({Command::Kind::kRespond, call, status, std::move(sdp), {}, {}, {}});
}

bool SofiaAgent::challenge(std::uint64_t call, int status, std::string challenge) {
  return queue({Command::Kind::kRespond, call, status, {}, std::move(challenge), {}, {}});
}

bool SofiaAgent::reply(std::uint64_t request, int status, std::string contact) {
  return queue({Command::Kind::kRespond, request, status, {}, {}, std::move(contact), {}});
}

void SofiaAgent::answer_request(std::uint64_t token, const Command& command) {
  auto& impl = *impl_;
  const auto it = impl.requests.find(token);
  const auto [nh, msg] = it->second;
  impl.requests.erase(it);
  const char* phrase = sip_status_phrase(command.status);
  nua_respond(
      nh, command.status, phrase, NUTAG_WITH(msg),
      TAG_IF(!command.challenge.empty(), SIPTAG_WWW_AUTHENTICATE_STR(command.challenge.c_str())),
      TAG_IF(!command.contact.empty(), SIPTAG_CONTACT_STR(command.contact.c_str())), TAG_END());
  msg_destroy(msg);
  nua_handle_destroy(nh);
}

bool SofiaAgent::bye(std::uint64_t call) {
  return queue({Command::Kind::kBye, call, 0, {}, {}, {}, {}});
}

std::uint64_t SofiaAgent::new_call() {
  return impl_->next_call.fetch_add(1, std::memory_order_relaxed);
}

bool SofiaAgent::invite(std::uint64_t call, OutboundInvite invite) {
  return queue({Command::Kind::kInvite, call, 0, {}, {}, {}, std::move(invite)});
}

bool SofiaAgent::cancel(std::uint64_t call) {
  return queue({Command::Kind::kCancel, call, 0, {}, {}, {}, {}});
}

void SofiaAgent::send_invite(std::uint64_t call, const OutboundInvite& invite) {
  auto& impl = *impl_;
  if (impl.handles.size() >= kMaxCalls) {
    SipEvent failed;
    failed.kind = SipEvent::Kind::kResponse;
    failed.call = call;
    failed.status = 503;
    impl.handler(failed);
    failed.kind = SipEvent::Kind::kTerminated;
    impl.handler(std::move(failed));
    return;
  }
  nua_handle_t* nh =
      nua_handle(impl.nua, nullptr, NUTAG_URL(invite.request_uri.c_str()),
                 SIPTAG_TO_STR(invite.to.c_str()), SIPTAG_FROM_STR(invite.from.c_str()), TAG_END());
  if (nh == nullptr) {
    SipEvent failed;
    failed.kind = SipEvent::Kind::kResponse;
    failed.call = call;
    failed.status = 500;
    impl.handler(failed);
    failed.kind = SipEvent::Kind::kTerminated;
    impl.handler(std::move(failed));
    return;
  }
  impl.handles[call] = nh;
  impl.tokens[nh] = call;
  nua_invite(nh, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(invite.sdp.c_str()),
             TAG_END());
}

void SofiaAgent::drain() {
  std::deque<Command> batch;
  {
    const std::scoped_lock lock(mutex_);
    batch.swap(commands_);
  }
  for (const auto& command : batch) {
    if (command.kind == Command::Kind::kInvite) {
      send_invite(command.call, command.invite);
      continue;
    }
    if (impl_->requests.contains(command.call)) {
      answer_request(command.call, command);
      continue;
    }
    const auto it = impl_->handles.find(command.call);
    if (it == impl_->handles.end()) continue;  // the call ended meanwhile
    nua_handle_t* nh = it->second;
    if (command.kind == Command::Kind::kBye) {
      nua_bye(nh, TAG_END());
    } else if (command.kind == Command::Kind::kCancel) {
      nua_cancel(nh, TAG_END());
    } else if (!command.challenge.empty()) {
      const char* value = command.challenge.c_str();
      const char* phrase = sip_status_phrase(command.status);
      if (command.status == 407) {
        nua_respond(nh, command.status, phrase, SIPTAG_PROXY_AUTHENTICATE_STR(value), TAG_END());
      } else {
        nua_respond(nh, command.status, phrase, SIPTAG_WWW_AUTHENTICATE_STR(value), TAG_END());
      }
    } else if (command.sdp.empty()) {
      nua_respond(nh, command.status, sip_status_phrase(command.status), TAG_END());
    } else {
      nua_respond(nh, command.status, sip_status_phrase(command.status),
                  SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                  SIPTAG_PAYLOAD_STR(command.sdp.c_str()), TAG_END());
    }
  }
  calls_.store(impl_->handles.size(), std::memory_order_relaxed);
}

}  // namespace es::sip::sofia
