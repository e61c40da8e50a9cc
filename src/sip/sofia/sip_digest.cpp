#include "sip/sofia/sip_digest.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include "core/uuid.hpp"
#include "protocol/ascii.hpp"

namespace es::sip::sofia {
namespace {

// The nonce count as mod_sofia reads it (strtoul base 16): leading hex digits, 0 without any.
std::uint64_t parse_nc(std::string_view nc) {
  std::uint64_t value = 0;
  std::from_chars(nc.data(), nc.data() + nc.size(), value, 16);
  return value;
}

}  // namespace

std::string md5_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

DigestCredentials parse_digest_params(const std::vector<std::string>& params) {
  DigestCredentials c;
  const std::pair<std::string_view, std::string*> fields[] = {
      {"username", &c.username}, {"realm", &c.realm}, {"nonce", &c.nonce},
      {"uri", &c.uri},           {"qop", &c.qop},     {"cnonce", &c.cnonce},
      {"response", &c.response}, {"nc", &c.nc},       {"algorithm", &c.algorithm},
  };
  for (const std::string& param : params) {
    const auto eq = param.find('=');
    if (eq == std::string::npos) continue;
    const std::string_view name = std::string_view(param).substr(0, eq);
    std::string_view value = std::string_view(param).substr(eq + 1);
    while (!value.empty() && value.front() == '"') value.remove_prefix(1);
    if (const auto quote = value.find('"'); quote != std::string_view::npos) {
      value = value.substr(0, quote);
    }
    for (const auto& [field, target] : fields) {
      if (protocol::iequals(name, field) && target->empty()) *target = std::string(value);
    }
  }
  return c;
}

std::string digest_ha1(std::string_view username, std::string_view realm,
                       std::string_view password) {
  std::string input;
  input.append(username).append(":").append(realm).append(":").append(password);
  return md5_hex(input);
}

std::string digest_response(std::string_view ha1, std::string_view method,
                            const DigestCredentials& c) {
  std::string a2;
  a2.append(method).append(":").append(c.uri);
  const std::string ha2 = md5_hex(a2);
  std::string input(ha1);
  input.append(":").append(c.nonce).append(":");
  if (!c.nc.empty() && !c.cnonce.empty() && !c.qop.empty()) {
    input.append(c.nc).append(":").append(c.cnonce).append(":").append(c.qop).append(":");
  }
  input.append(ha2);
  return md5_hex(input);
}

bool digest_equal(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  const std::size_t n = std::min(given.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    difference |= static_cast<unsigned char>(protocol::ascii_lower(given[i]) ^
                                             protocol::ascii_lower(expected[i]));
  }
  return difference == 0;
}

std::string NonceTable::issue(std::int64_t now) {
  std::string nonce = core::make_uuid();
  const std::scoped_lock lock(mutex_);
  make_room(now);
  nonces_[nonce] = Entry{now + ttl_ + kT1x64Seconds, 0};
  return nonce;
}

void NonceTable::make_room(std::int64_t now) {
  if (nonces_.size() < kMaxNonces) return;
  std::erase_if(nonces_, [now](const auto& entry) { return entry.second.expires <= now; });
  if (nonces_.size() < kMaxNonces) return;
  // Still full of live nonces (a challenge flood): the one nearest its end goes.
  const auto oldest = std::min_element(
      nonces_.begin(), nonces_.end(),
      [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
  nonces_.erase(oldest);
}

NonceTable::Check NonceTable::check(const std::string& nonce, std::string_view nc,
                                    std::int64_t now) {
  const std::scoped_lock lock(mutex_);
  const auto it = nonces_.find(nonce);
  if (it == nonces_.end()) return Check::kStale;
  const bool fresh = it->second.expires > now;
  const bool counts_up = nc.empty() || it->second.last_nc < parse_nc(nc);
  if (fresh && counts_up) return Check::kOk;
  nonces_.erase(it);
  return Check::kStale;
}

void NonceTable::accepted(const std::string& nonce, std::string_view nc, std::int64_t now,
                          std::int64_t extra) {
  if (nc.empty()) return;
  const std::scoped_lock lock(mutex_);
  const auto it = nonces_.find(nonce);
  if (it == nonces_.end()) return;
  it->second.last_nc = parse_nc(nc);
  it->second.expires = now + ttl_ + extra;
}

std::size_t NonceTable::size() const {
  const std::scoped_lock lock(mutex_);
  return nonces_.size();
}

}  // namespace es::sip::sofia
