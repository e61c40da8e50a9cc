// escli: the console client (a better fs_cli). Reads the command line and profile, then runs
// the command loop.
#include <unistd.h>

#include <clocale>
#include <cstdlib>

#include "apps/escli/console_output.hpp"
#include "apps/escli/console_session.hpp"
#include "apps/escli/options.hpp"

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "");  // the line editor decodes typed UTF-8
  es::apps::escli::Environment env;
  if (const char* home = std::getenv("HOME")) env.home = home;
  char hostname[256] = "";
  gethostname(hostname, sizeof hostname - 1);
  env.local_hostname = hostname;
  env.no_color = std::getenv("NO_COLOR") != nullptr;

  es::apps::escli::ParseOutcome parsed = es::apps::escli::parse_command_line(argc, argv, env);
  if (!parsed.settings) return parsed.exit_status;
  es::apps::escli::ConsoleOutput output;
  for (const auto& warning : parsed.settings->warnings) {
    output.print("escli: " + warning + "\n", es::apps::escli::Stream::kErr);
  }
  es::apps::escli::ConsoleSession session(std::move(*parsed.settings), output);
  return session.run();
}
