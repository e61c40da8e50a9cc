// escli's command line (CLI11) merged over the chosen profile of ~/.escli.conf: what the
// program will do, before any connection is made.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apps/escli/profile.hpp"

namespace es::apps::escli {

// Exit statuses, also listed in --help.
enum ExitStatus : int {
  kExitOk = 0,
  kExitConnectionFailed = 1,  // could not connect, or the connection was lost
  kExitRefused = 2,           // wrong password / user, or the server's ACL turned us away
  kExitTimeout = 3,           // no reply within --timeout / --connect-timeout
  kExitCommandFailed = 4,     // --strict: a reply started with -ERR or -USAGE
  kExitUsage = 64,            // bad command line or configuration
};

struct Settings {
  Profile profile;                   // the profile with the command line applied
  std::vector<std::string> execute;  // -x commands: run them, print the replies, exit
  bool retry = false;                // keep trying to connect (once a second, two minutes)
  bool reconnect = false;            // connect again after the connection drops
  bool allow_interrupt = false;      // Ctrl-C quits instead of printing a hint
  // Scripts: -x commands and lines read from a non-terminal stdin stop at the first reply
  // that starts with -ERR or -USAGE (or a refused socket command), exit kExitCommandFailed.
  bool strict = false;
  std::string log_uuid_filter;        // only log lines of this call (User-Data)
  std::string history_path;           // empty: no history file
  std::vector<std::string> warnings;  // configuration problems, already prefixed by the file name
};

struct Environment {
  std::string home;            // $HOME, may be empty
  std::string local_hostname;  // names the built-in profile
  bool no_color = false;       // $NO_COLOR is set
};

struct ParseOutcome {
  std::optional<Settings> settings;  // absent: exit with `exit_status` (help, version, error)
  int exit_status = kExitOk;
};

// Parses argv (CLI11 prints help and errors itself) and reads the configuration file
// (--config, else ~/.escli.conf when it exists).
ParseOutcome parse_command_line(int argc, const char* const* argv, const Environment& env);

}  // namespace es::apps::escli
