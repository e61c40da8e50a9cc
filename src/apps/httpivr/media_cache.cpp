#include "apps/httpivr/media_cache.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>

#include <filesystem>
#include <system_error>

namespace es::apps::httpivr {
namespace {

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

// ".wav" from ".../prompt.wav?x=1": letters and digits only, at most 5, else none.
std::string extension_of(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return {};
  std::string ext = path.substr(dot);
  if (ext.size() < 2 || ext.size() > 6) return {};
  for (std::size_t i = 1; i < ext.size(); ++i) {
    if (std::isalnum(static_cast<unsigned char>(ext[i])) == 0) return {};
  }
  return ext;
}

}  // namespace

MediaCache::MediaCache(std::string directory, WebhookClient& http)
    : directory_(std::move(directory)), http_(http) {}

bool MediaCache::is_remote(const std::string& url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

asio::awaitable<std::optional<std::string>> MediaCache::local_path(std::string url,
                                                                   std::string call_id) {
  std::string path = fmt::format("{}/{}{}", directory_, sha256_hex(url), extension_of(url));
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) co_return path;
  std::filesystem::create_directories(directory_, ec);
  WebhookResult fetched = co_await http_.download(url, path, kMaxMediaBytes);
  fmt::print(stderr, "httpivr: {} GET {} -> {} in {:.1f} ms (media)\n", call_id, url,
             fetched.ok() ? std::to_string(fetched.status) : fetched.error,
             static_cast<double>(fetched.latency.count()) / 1000.0);
  if (!fetched.ok()) co_return std::nullopt;
  co_return path;
}

}  // namespace es::apps::httpivr
