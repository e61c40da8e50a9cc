// Digest authentication of a profile's requests against the XML directory, as mod_sofia's
// sofia_reg_handle_register_token / sofia_reg_parse_auth decide it (docs/sip.md,
// "Authentication"): no credentials, or stale ones, get a challenge (401 for REGISTER, 407
// for INVITE, stale=true when the nonce is unknown, expired or its count replayed); an unknown
// user, a pointer user, sip-forbid-register or a wrong response get 403; a right one (or a
// user without password) passes with the variables FreeSWITCH gives the call.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sip/sofia/sip_digest.hpp"

namespace es::core {
class XmlConfig;
}

namespace es::sip::sofia {

struct ProfileConfig;

// What the authentication reads of a request (plain strings from SipEvent).
struct AuthRequest {
  std::string method;  // INVITE or REGISTER
  std::string from_user, from_host, to_user, to_host;
  std::vector<std::string> auth_params;  // the (Proxy-)Authorization's parameters; empty: none
};

struct AuthOutcome {
  // 0: authenticated; otherwise the status to answer (401, 407, 403).
  int status = 0;
  std::string challenge;  // 401/407: the WWW-/Proxy-Authenticate value
  bool stale = false;
  std::string username, realm;  // the credentials' (set from 403 on too, for logs and events)
  std::string domain;           // the directory domain the user was looked up in
  // Authenticated: what FreeSWITCH sets on the call, in its order (later ones win): the auth
  // variables, the user's sip-* params, its <variables>, user_name/domain_name from the entry.
  std::vector<std::pair<std::string, std::string>> variables;
};

class SofiaAuth {
 public:
  explicit SofiaAuth(const ProfileConfig& config);

  // `now` is epoch seconds; `expires` the registration's expiry (0 for INVITE), kept on the
  // nonce after a good answer as mod_sofia does. `xml` null: no directory (every user unknown).
  AuthOutcome authenticate(const AuthRequest& request, const core::XmlConfig* xml, std::int64_t now,
                           std::int64_t expires = 0);

  // The realm of a challenge: challenge-realm, auto_to (default) the To host, auto_from the
  // From host.
  std::string challenge_realm(const AuthRequest& request) const;
  NonceTable& nonces() { return nonces_; }

 private:
  AuthOutcome check_credentials(const AuthRequest& request, const DigestCredentials& credentials,
                                const core::XmlConfig* xml, std::int64_t now, std::int64_t expires);

  std::string challenge_realm_;
  std::string force_register_domain_;
  NonceTable nonces_;
};

}  // namespace es::sip::sofia
