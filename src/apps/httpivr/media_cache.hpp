// http(s) prompts for `play`: fetched once into a cache directory and played from there (the
// switch's playback opens files, not URLs). Files are named by the SHA-256 of the URL and keep
// its extension, so the switch picks the right decoder.
#pragma once

#include <asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include "apps/httpivr/webhook_client.hpp"

namespace es::apps::httpivr {

// A larger prompt is refused (the play verb is a fault).
inline constexpr std::size_t kMaxMediaBytes = 32 * 1024 * 1024;

class MediaCache {
 public:
  MediaCache(std::string directory, WebhookClient& http);

  static bool is_remote(const std::string& url);
  // The local file holding `url`, fetched when it is not cached yet; nullopt when the fetch
  // failed (logged with `call_id`).
  asio::awaitable<std::optional<std::string>> local_path(std::string url, std::string call_id);

 private:
  std::string directory_;
  WebhookClient& http_;
};

}  // namespace es::apps::httpivr
