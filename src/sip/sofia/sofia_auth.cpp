#include "sip/sofia/sofia_auth.hpp"

#include <fmt/format.h>

#include "core/text/text.hpp"
#include "core/xml_config.hpp"
#include "protocol/ascii.hpp"
#include "sip/sofia/sofia_config.hpp"

namespace es::sip::sofia {

SofiaAuth::SofiaAuth(const ProfileConfig& config)
    : challenge_realm_(config.challenge_realm),
      force_register_domain_(config.force_register_domain),
      nonces_(config.nonce_ttl) {}

std::string SofiaAuth::challenge_realm(const AuthRequest& request) const {
  const std::string& to_host = request.to_host.empty() ? request.from_host : request.to_host;
  if (challenge_realm_.empty() || protocol::iequals(challenge_realm_, "auto_to")) return to_host;
  if (protocol::iequals(challenge_realm_, "auto_from")) return request.from_host;
  return challenge_realm_;
}

AuthOutcome SofiaAuth::authenticate(const AuthRequest& request, const core::XmlConfig* xml,
                                    std::int64_t now, std::int64_t expires) {
  AuthOutcome outcome;
  if (!request.auth_params.empty()) {
    const DigestCredentials credentials = parse_digest_params(request.auth_params);
    if (credentials.complete()) {
      outcome = check_credentials(request, credentials, xml, now, expires);
      if (!outcome.stale) return outcome;
    } else {
      outcome.stale = true;  // mod_sofia: an incomplete header is answered as a stale one
    }
  }
  // No credentials, or stale ones: a challenge with a fresh nonce.
  const bool is_register = protocol::iequals(request.method, "REGISTER");
  outcome.status = is_register ? 401 : 407;
  outcome.challenge = fmt::format(R"(Digest realm="{}", nonce="{}",{} algorithm=MD5, qop="auth")",
                                  challenge_realm(request), nonces_.issue(now),
                                  outcome.stale ? " stale=true," : "");
  return outcome;
}

AuthOutcome SofiaAuth::check_credentials(const AuthRequest& request, const DigestCredentials& c,
                                         const core::XmlConfig* xml, std::int64_t now,
                                         std::int64_t expires) {
  AuthOutcome outcome;
  outcome.username = c.username;
  outcome.realm = c.realm;
  if (nonces_.check(c.nonce, c.nc, now) != NonceTable::Check::kOk) {
    outcome.stale = true;
    return outcome;
  }
  outcome.status = 403;
  outcome.domain = force_register_domain_.empty() ? c.realm : force_register_domain_;
  const auto user = xml != nullptr ? xml->find_user(c.username, outcome.domain) : std::nullopt;
  if (!user) return outcome;
  if (protocol::iequals(user->user.attribute("type").value(), "pointer")) return outcome;
  if (const auto forbid = user->param("sip-forbid-register"); forbid && text::switch_true(*forbid))
    return outcome;
  const auto password = user->param("password").value_or("");
  const auto a1_hash = user->param("a1-hash").value_or("");
  const bool allow_empty = text::switch_true(user->param("allow-empty-password").value_or("true"));
  if (password.empty() && a1_hash.empty()) {
    // mod_sofia lets a user without a password in, unless allow-empty-password is false.
    if (!allow_empty) return outcome;
  } else {
    const std::string ha1 = a1_hash.empty() ? digest_ha1(c.username, c.realm, password) : a1_hash;
    if (!digest_equal(c.response, digest_response(ha1, request.method, c))) return outcome;
    nonces_.accepted(c.nonce, c.nc, now, expires);
  }
  outcome.status = 0;

  std::string number_alias = user->user.attribute("number-alias").value();
  if (number_alias.empty()) number_alias = c.username;
  auto& vars = outcome.variables;
  vars = {{"sip_number_alias", number_alias}, {"sip_auth_username", c.username},
          {"sip_auth_realm", c.realm},        {"number_alias", number_alias},
          {"user_name", c.username},          {"domain_name", outcome.domain}};
  if (const auto mwi = user->param("mwi-account")) vars.emplace_back("mwi-account", *mwi);
  for (const auto& [name, value] : user->params) {
    if (value.empty()) continue;
    if (protocol::istarts_with(name, "sip-") || protocol::iequals(name, "register-gateway"))
      vars.emplace_back(name, value);
  }
  for (const auto& [name, value] : user->variables) {
    if (!name.empty() && !value.empty()) vars.emplace_back(name, value);
  }
  // The call then takes the directory entry itself (switch_ivr_set_user_xml): its
  // number-alias, and its id and domain as user_name / domain_name.
  vars.emplace_back("requested_user_name", c.username);
  vars.emplace_back("requested_domain_name", outcome.domain);
  if (const auto alias = user->user.attribute("number-alias")) {
    vars.emplace_back("number_alias", alias.value());
  }
  vars.emplace_back("user_name", user->id);
  vars.emplace_back("domain_name", user->domain);
  return outcome;
}

}  // namespace es::sip::sofia
