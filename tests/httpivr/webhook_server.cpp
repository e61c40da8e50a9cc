// The test webhook: verifies X-Signature independently of httpivr's own signing code (OpenSSL's
// one-shot HMAC on the raw body), then answers from the test's script.
#include "webhook_server.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace es::httpivr_test {
namespace {

std::string expected_signature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &size);
  std::string hex = "sha256=";
  char byte[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", mac[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace

WebhookServer::WebhookServer(std::string secret, Script script)
    : secret_(std::move(secret)), script_(std::move(script)) {
  server_.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
    SeenRequest seen;
    seen.path = request.path;
    seen.body = request.body;
    seen.signature_ok =
        request.get_header_value("X-Signature") == expected_signature(secret_, request.body);
    if (auto json = apps::httpivr::parse_json(request.body)) seen.json = std::move(*json);
    Answer answer = script_(seen);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(seen));
    }
    arrived_.notify_all();
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    response.status = answer.status;
    response.set_content(answer.body, "application/json");
  });
  server_.Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    ++gets_[request.path];
    auto file = files_.find(request.path);
    if (file == files_.end()) {
      response.status = 404;
      return;
    }
    response.set_content(file->second, "audio/wav");
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

WebhookServer::~WebhookServer() {
  server_.stop();
  thread_.join();
}

std::string WebhookServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

void WebhookServer::add_file(const std::string& path, std::string content) {
  std::lock_guard lock(mutex_);
  files_[path] = std::move(content);
}

int WebhookServer::gets(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = gets_.find(path);
  return it == gets_.end() ? 0 : it->second;
}

std::vector<SeenRequest> WebhookServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> WebhookServer::paths() const {
  std::vector<std::string> out;
  for (const SeenRequest& r : requests()) out.push_back(r.path);
  return out;
}

bool WebhookServer::wait_for(std::string_view path, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] {
    return std::any_of(requests_.begin(), requests_.end(),
                       [&](const SeenRequest& r) { return r.path == path; });
  });
}

}  // namespace es::httpivr_test
