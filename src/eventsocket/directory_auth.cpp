#include "eventsocket/directory_auth.hpp"

#include "core/text/text.hpp"

namespace es::eventsocket {

std::optional<UserauthCredentials> parse_userauth(std::string_view text) {
  auto eol = text.find_first_of("\r\n");
  if (eol != std::string_view::npos) text = text.substr(0, eol);

  std::string_view user = text;
  std::optional<std::string_view> domain;
  std::optional<std::string_view> password;
  if (auto at = user.find('@'); at != std::string_view::npos) {
    domain = user.substr(at + 1);
    user = user.substr(0, at);
  }
  if (domain) {
    if (auto colon = domain->find(':'); colon != std::string_view::npos) {
      password = domain->substr(colon + 1);
      domain = domain->substr(0, colon);
    }
  }
  if (auto colon = user.find(':'); colon != std::string_view::npos) {
    password = user.substr(colon + 1);
    user = user.substr(0, colon);
  }
  if (user.empty() || !domain || domain->empty()) return std::nullopt;

  UserauthCredentials credentials;
  credentials.user = std::string(user);
  credentials.domain = std::string(*domain);
  if (password) credentials.password = std::string(*password);
  return credentials;
}

std::vector<std::string> split_allowed_list(std::string_view value) {
  char separator = value.find(' ') != std::string_view::npos ? ' ' : ',';
  std::vector<std::string> words;
  while (true) {
    auto next = value.find(separator);
    words.emplace_back(value.substr(0, next));
    if (next == std::string_view::npos) break;
    value.remove_prefix(next + 1);
  }
  return words;
}

UserauthResult authenticate_directory_user(const core::XmlConfig& config, std::string_view text) {
  UserauthResult result;
  auto credentials = parse_userauth(text);
  if (!credentials) return result;
  result.user = credentials->user + "@" + credentials->domain;

  auto user = config.find_user(credentials->user, credentials->domain);
  if (!user) return result;
  auto password = user->param("esl-password");
  if (!password || password->empty() || !credentials->password || credentials->password->empty() ||
      !passwords_equal(*credentials->password, *password)) {
    return result;
  }

  result.accepted = true;
  if (auto log = user->param("esl-allowed-log")) result.allowed_log = text::switch_true(*log);
  result.allowed_events = user->param("esl-allowed-events");
  result.allowed_api = user->param("esl-allowed-api");
  if (result.allowed_events)
    result.allowed_event_names = split_allowed_list(*result.allowed_events);
  if (result.allowed_api) result.allowed_api_names = split_allowed_list(*result.allowed_api);
  return result;
}

bool passwords_equal(std::string_view given, std::string_view expected) {
  // Every given byte is compared (against the expected bytes, cycled), and the differences
  // are OR-ed: no branch depends on the contents.
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  if (expected.empty()) return given.empty();
  std::size_t j = 0;
  for (const char byte : given) {
    difference |= static_cast<unsigned char>(byte ^ expected[j]);
    j = j + 1 == expected.size() ? 0 : j + 1;
  }
  return difference == 0;
}

}  // namespace es::eventsocket
