#include "sip/sofia/sofia_api.hpp"

#include <fmt/format.h>

#include <sstream>
#include <string>
#include <vector>

#include "protocol/ascii.hpp"

namespace es::sip::sofia {
namespace {

constexpr std::string_view kLine =
    "================================================================================"
    "=================";

std::vector<std::string> words(std::string_view arg) {
  std::vector<std::string> out;
  std::istringstream in{std::string(arg)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// FreeSWITCH shows a profile's address as sip:mod_sofia@<ip>:<port>.
std::string profile_url(const SofiaProfile& profile) {
  return fmt::format("sip:mod_sofia@{}:{}", profile.config().sip_ip, profile.config().sip_port);
}

void write_summary(const SofiaProfile& profile, std::string& out) {
  out += fmt::format("{:>25}\t{}\t  {:>40}\t{}\n", "Name", "   Type", "Data", "State");
  out += fmt::format("{}\n", kLine);
  out += fmt::format("{:>25}\t{}\t  {:>40}\t{} ({})\n", profile.config().name, "profile",
                     profile_url(profile), "RUNNING", profile.live_calls());
  out += fmt::format("{}\n", kLine);
  out += "1 profile 0 aliases\n";
}

void write_profile(const SofiaProfile& profile, std::string& out) {
  const auto& c = profile.config();
  std::string codecs;
  for (const auto& codec : c.codec_prefs) codecs += (codecs.empty() ? "" : ",") + codec;
  const auto url = profile_url(profile);
  const std::pair<const char*, std::string> rows[] = {
      {"Name             ", c.name},
      {"Domain Name      ", "N/A"},
      {"Dialplan         ", c.dialplan},
      {"Context          ", c.context},
      {"RTP-IP           ", c.rtp_ip},
      {"SIP-IP           ", c.sip_ip},
      {"URL              ", url},
      {"BIND-URL         ", url},
      {"CODECS IN        ", codecs},
      {"CODECS OUT       ", codecs},
      {"TEL-EVENT        ", "101"},
      {"DTMF-MODE        ", "rfc2833"},
      {"CALLS-IN         ", std::to_string(profile.calls_in())},
      {"FAILED-CALLS-IN  ", std::to_string(profile.failed_calls_in())},
      {"CALLS-OUT        ", "0"},
      {"FAILED-CALLS-OUT ", "0"},
      {"REGISTRATIONS    ", "0"},
  };
  out += fmt::format("{}\n", kLine);
  for (const auto& row : rows) out += fmt::format("{}\t{}\n", row.first, row.second);
  out += fmt::format("{}\n", kLine);
}

}  // namespace

void register_sofia_api(core::ApiRegistry& registry, const std::shared_ptr<SofiaProfile>& profile) {
  core::ApiCommand command;
  command.name = "sofia";
  command.syntax = "status [profile <name>]";
  command.description = "Sofia Controls";
  command.module = "mod_sofia";
  command.may_block = false;
  command.function = [profile](std::string_view arg, std::string& out, const core::ApiContext&) {
    const auto argv = words(arg);
    if (argv.empty() || !protocol::iequals(argv[0], "status")) {
      out += fmt::format("-ERR sofia {}: not implemented by eventswitch yet (docs/sip.md)\n",
                         argv.empty() ? std::string() : argv[0]);
      return core::ApiStatus::kSuccess;
    }
    if (argv.size() == 1) {
      write_summary(*profile, out);
    } else if (protocol::iequals(argv[1], "profile") && argv.size() >= 3 &&
               argv[2] == profile->config().name) {
      write_profile(*profile, out);
    } else {
      out += "Invalid Profile!\n";
    }
    return core::ApiStatus::kSuccess;
  };
  registry.add(std::move(command));
}

}  // namespace es::sip::sofia
