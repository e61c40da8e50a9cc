// Connection profiles in fs_cli.conf's INI form, read from ~/.escli.conf:
//
//   [default]
//   host => 127.0.0.1
//   password => ClueCon
//   key_F7 => /log console
//
// A section names a profile; "key => value" and "key = value" both work; lines starting with '#'
// or ';' are comments; "__END__" ends the file. Parsing never throws: problems become warnings
// naming the line, and the rest of the file is still used.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace es::apps::escli {

inline constexpr std::size_t kFunctionKeys = 12;
inline constexpr std::size_t kShortUuidLength = 8;  // log-uuid-short / -S

struct Profile {
  std::string name;
  std::string host = "127.0.0.1";
  unsigned short port = 8021;
  std::string user;  // user@domain: "userauth" instead of "auth"
  std::string password = "ClueCon";
  std::string log_level = "debug";  // "log <level>" after connecting, unless quiet
  bool quiet = false;
  bool batch_mode = false;
  bool log_uuid = false;            // prefix log lines with their User-Data (call UUID)
  std::size_t log_uuid_length = 0;  // 0: the whole UUID
  bool use_history_file = true;
  bool color = true;
  bool json = false;
  std::string prompt_color;  // escape sequences (empty: terminal default)
  std::string input_text_color;
  std::string output_text_color;
  std::string prompt_string;  // "%s" switch name, "%h" local host, ... (see expand_prompt)
  std::array<std::string, kFunctionKeys> function_keys;
  std::array<std::string, kFunctionKeys> function_keys_toggle;  // every other press runs this
  std::chrono::milliseconds timeout{0};  // api reply timeout, 0: wait forever
  std::chrono::milliseconds connect_timeout{5000};
  // TLS to the server's TLS listener: keys tls, tls-ca, tls-cert, tls-key (--tls, --ca, --cert,
  // --key). tls_ca empty: the system's trust store; tls_key empty: inside tls_cert.
  bool tls = false;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

// fs_cli's built-in F1..F12 macros, adapted to what eventswitch offers (F5 and F9 asked
// for sofia, which has no counterpart here).
Profile default_profile(std::string name);

struct ProfileFile {
  std::vector<Profile> profiles;      // in the order their sections first appear
  std::vector<std::string> warnings;  // "<line>: <problem>"
};

ProfileFile parse_profiles(std::string_view text);

// The profile called `wanted` (an error when absent), else "default", else the first profile,
// else the built-in one named `builtin_name`.
struct ProfileChoice {
  std::optional<Profile> profile;
  std::string error;
};
ProfileChoice choose_profile(const ProfileFile& file, const std::string& wanted,
                             const std::string& builtin_name);

// fs_cli's colour names ("red", "bold-blue", ...) as escape sequences; nullopt when unknown.
std::optional<std::string> color_sequence(std::string_view name);

// escli's boolean words: FreeSWITCH's switch_true (yes/on/true/t/enabled/active/allow in any
// case, or a number whose atoi is not 0) and also "enable".
bool truthy(std::string_view value);

// What prompt-string may mention: %s switch name, %h local host name, %H the switch's host
// name, %p profile name, %o host connected to, %P port, %% a percent sign.
struct PromptFacts {
  std::string switch_name;
  std::string local_hostname;
  std::string switch_hostname;
  std::string profile_name;
  std::string host;
  unsigned short port = 0;
};
std::string expand_prompt(std::string_view pattern, const PromptFacts& facts);

}  // namespace es::apps::escli
