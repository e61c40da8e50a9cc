// SIP digest authentication (RFC 2617 with MD5, as mod_sofia checks it): reading the
// credentials of an Authorization / Proxy-Authorization header, computing the expected
// response, and the table of nonces we handed out in challenges. Free of sofia-sip and of
// the switch: SofiaProfile (sofia_auth.cpp) puts them together with the XML directory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace es::sip::sofia {

// Lowercase hex MD5 of `text` (OpenSSL EVP).
std::string md5_hex(std::string_view text);

struct DigestCredentials {
  std::string username, realm, nonce, uri, qop, cnonce, nc, response, algorithm;
  // mod_sofia needs these five; without one the header counts as stale (a new challenge).
  bool complete() const {
    return !username.empty() && !realm.empty() && !nonce.empty() && !uri.empty() &&
           !response.empty();
  }
};

// The header's parameters as sofia-sip splits them ("name=value", the value maybe quoted).
// As mod_sofia: names ignore case, the first of a name counts, quotes are dropped.
DigestCredentials parse_digest_params(const std::vector<std::string>& params);

// HA1 = MD5(username:realm:password), what a directory user's a1-hash param holds.
std::string digest_ha1(std::string_view username, std::string_view realm,
                       std::string_view password);
// The response the client should have sent for `method`: with qop, nc and cnonce
// MD5(HA1:nonce:nc:cnonce:qop:HA2), else MD5(HA1:nonce:HA2); HA2 = MD5(method:uri).
std::string digest_response(std::string_view ha1, std::string_view method,
                            const DigestCredentials& credentials);
// Case-insensitive comparison that takes the same time whatever the bytes are.
bool digest_equal(std::string_view given, std::string_view expected);

// The nonces of our challenges, as mod_sofia's sip_authentication table: each lives `ttl`
// seconds (nonce-ttl, default 60) plus SIP's T1x64 (32 s) after the challenge; a use with a nonce
// count (nc) must count up (a replayed nc is stale) and renews it. Bounded: at most kMaxNonces;
// issuing one more drops the expired ones, then the one closest to expiring. Times are epoch
// seconds from the runtime's clock. Thread-safe.
class NonceTable {
 public:
  static constexpr std::size_t kMaxNonces = 8192;
  static constexpr std::int64_t kT1x64Seconds = 32;
  enum class Check { kOk, kStale };

  explicit NonceTable(std::int64_t ttl_seconds) : ttl_(ttl_seconds) {}

  std::string issue(std::int64_t now);
  // Whether a request may use `nonce` with nonce count `nc` (hex; empty when the client sent
  // none). An unknown or expired nonce, or an nc not above the last one, is stale (and the
  // nonce is forgotten, as mod_sofia deletes it).
  Check check(const std::string& nonce, std::string_view nc, std::int64_t now);
  // After a good response carrying nc: remember it, and keep the nonce `extra` seconds more
  // (the registration's expiry, as mod_sofia).
  void accepted(const std::string& nonce, std::string_view nc, std::int64_t now,
                std::int64_t extra);
  std::size_t size() const;
  std::int64_t ttl() const { return ttl_; }

 private:
  struct Entry {
    std::int64_t expires = 0;
    std::uint64_t last_nc = 0;
  };
  void make_room(std::int64_t now);

  std::int64_t ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> nonces_;
};

}  // namespace es::sip::sofia
