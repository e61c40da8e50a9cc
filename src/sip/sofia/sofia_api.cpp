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

// mod_sofia's state name of a gateway: NOREG when it does not register; eventswitch does not
// register yet, so a registering gateway stays UNREGED (docs/sip.md).
std::string_view gateway_state(const GatewayConfig& gateway) {
  return gateway.register_gateway ? "UNREGED" : "NOREG";
}

void write_summary(const std::vector<std::shared_ptr<SofiaProfile>>& profiles, std::string& out) {
  out += fmt::format("{:>25}\t{}\t  {:>40}\t{}\n", "Name", "   Type", "Data", "State");
  out += fmt::format("{}\n", kLine);
  for (const auto& profile : profiles) {
    out += fmt::format("{:>25}\t{}\t  {:>40}\t{} ({})\n", profile->config().name, "profile",
                       profile_url(*profile), "RUNNING", profile->live_calls());
    for (const auto& gateway : profile->config().gateways) {
      out += fmt::format("{:>25}\t{}\t  {:>40}\t{}\n", profile->config().name + "::" + gateway.name,
                         "gateway", gateway.register_to(), gateway_state(gateway));
    }
  }
  out += fmt::format("{}\n", kLine);
  out += fmt::format("{} profile{} 0 aliases\n", profiles.size(), profiles.size() == 1 ? "" : "s");
}

void write_profile(const SofiaProfile& profile, std::string& out) {
  const auto& c = profile.config();
  const auto join = [](const std::vector<std::string>& list) {
    std::string text;
    for (const auto& codec : list) text += (text.empty() ? "" : ",") + codec;
    return text;
  };
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
      {"CODECS IN        ", join(c.codec_prefs)},
      {"CODECS OUT       ", join(c.outbound_codec_prefs)},
      {"TEL-EVENT        ", "101"},
      {"DTMF-MODE        ", std::string(dtmf_type_name(c.dtmf_type))},
      {"CALLS-IN         ", std::to_string(profile.calls_in())},
      {"FAILED-CALLS-IN  ", std::to_string(profile.failed_calls_in())},
      {"CALLS-OUT        ", "0"},
      {"FAILED-CALLS-OUT ", "0"},
      {"REGISTRATIONS    ", std::to_string(profile.registrar().size())},
  };
  out += fmt::format("{}\n", kLine);
  for (const auto& row : rows) out += fmt::format("{}\t{}\n", row.first, row.second);
  out += fmt::format("{}\n", kLine);
}

// `sofia status gateway`: every gateway with mod_sofia's columns (no pings or gateway calls yet:
// zeros).
void write_gateways(const std::vector<std::shared_ptr<SofiaProfile>>& profiles, std::string& out) {
  out += fmt::format("{:>25}\t{:>32}\t{}\t{:>9}\t{}\t{}\n", "Profile::Gateway-Name", "    Data    ",
                     "State", "Ping Time", "IB Calls(F/T)", "OB Calls(F/T)");
  out += fmt::format("{}\n", kLine);
  std::size_t count = 0;
  for (const auto& profile : profiles) {
    for (const auto& gateway : profile->config().gateways) {
      ++count;
      out += fmt::format("{:>25}\t{:>32}\t{}\t{:6.2f}\t0/0\t0/0\n",
                         profile->config().name + "::" + gateway.name, gateway.register_to(),
                         gateway_state(gateway), 0.0);
    }
  }
  out += fmt::format("{}\n", kLine);
  out += fmt::format("{} gateway{}: Inbound(Failed/Total): 0/0,Outbound(Failed/Total):0/0\n", count,
                     count == 1 ? "" : "s");
}

// `sofia status gateway <name>` (or <profile>::<name>): its block, as far as eventswitch has it.
bool write_gateway(const std::vector<std::shared_ptr<SofiaProfile>>& profiles,
                   std::string_view wanted, std::string& out) {
  for (const auto& profile : profiles) {
    const auto& c = profile->config();
    for (const auto& g : c.gateways) {
      if (wanted != g.name && wanted != c.name + "::" + g.name) continue;
      auto host = g.register_to().substr(g.register_to().find('@') + 1);
      const std::pair<const char*, std::string> rows[] = {
          {"Name    ", g.name},
          {"Profile ", c.name},
          {"Scheme  ", "Digest"},
          {"Realm   ", g.realm},
          {"Username", g.username},
          {"Password", g.password.empty() ? "no" : "yes"},
          {"From    ", fmt::format("<sip:{}@{}>", g.username, host)},
          {"Contact ", ""},
          {"Exten   ", g.username},
          {"To      ", g.register_to()},
          {"Proxy   ", "sip:" + host},
          {"Context ", c.context},
          {"Expires ", std::to_string(g.expire_seconds)},
          {"Freq    ", std::to_string(g.expire_seconds)},
          {"Ping    ", "0"},
          {"PingFreq", "0"},
          {"PingTime", "0.00"},
          {"PingState", "0/0/0"},
          {"State   ", std::string(gateway_state(g))},
          {"Status  ", "UP"},
          {"Uptime  ", "0s"},
          {"CallsIN ", "0"},
          {"CallsOUT", "0"},
          {"FailedCallsIN", "0"},
          {"FailedCallsOUT", "0"},
      };
      out += fmt::format("{}\n", kLine);
      for (const auto& row : rows) out += fmt::format("{}\t{}\n", row.first, row.second);
      out += fmt::format("{}\n", kLine);
      return true;
    }
  }
  return false;
}

}  // namespace

void register_sofia_api(core::ApiRegistry& registry,
                        std::vector<std::shared_ptr<SofiaProfile>> profiles) {
  core::ApiCommand command;
  command.name = "sofia";
  command.syntax = "status [profile <name> [reg [<contact>]]|gateway [<name>]]";
  command.description = "Sofia Controls";
  command.module = "mod_sofia";
  command.may_block = false;
  command.function = [profiles = std::move(profiles)](std::string_view arg, std::string& out,
                                                      const core::ApiContext&) {
    const auto argv = words(arg);
    if (argv.empty() || !protocol::iequals(argv[0], "status")) {
      out += fmt::format("-ERR sofia {}: not implemented by eventswitch yet (docs/sip.md)\n",
                         argv.empty() ? std::string() : argv[0]);
      return core::ApiStatus::kSuccess;
    }
    if (argv.size() == 1) {
      write_summary(profiles, out);
      return core::ApiStatus::kSuccess;
    }
    if (protocol::iequals(argv[1], "gateway")) {
      if (argv.size() == 2) {
        write_gateways(profiles, out);
      } else if (!write_gateway(profiles, argv[2], out)) {
        out += "Invalid Gateway!\n";
      }
      return core::ApiStatus::kSuccess;
    }
    if (protocol::iequals(argv[1], "profile") && argv.size() >= 3) {
      for (const auto& profile : profiles) {
        if (argv[2] != profile->config().name) continue;
        // `reg [<filter>]`: mod_sofia prints only the registrations (filtered by contact).
        if (argv.size() >= 4 && protocol::iequals(argv[3], "reg")) {
          out += format_registrations(profile->registrar().list(),
                                      argv.size() >= 5 ? argv[4] : std::string(),
                                      profile->now_seconds());
          return core::ApiStatus::kSuccess;
        }
        write_profile(*profile, out);
        return core::ApiStatus::kSuccess;
      }
    }
    out += "Invalid Profile!\n";
    return core::ApiStatus::kSuccess;
  };
  registry.add(std::move(command));
}

void register_sofia_contact_api(core::ApiRegistry& registry, const core::GlobalVars& globals,
                                std::vector<std::shared_ptr<SofiaProfile>> profiles) {
  core::ApiCommand command;
  command.name = "sofia_contact";
  command.syntax = "[profile/]<user>@<domain>";
  command.description = "Sofia Contacts";
  command.module = "mod_sofia";
  command.may_block = false;
  command.function = [&globals, profiles = std::move(profiles)](
                         std::string_view arg, std::string& out, const core::ApiContext&) {
    std::vector<ProfileRegistrar> tables;
    tables.reserve(profiles.size());
    for (const auto& profile : profiles) {
      tables.push_back({profile->config().name, &profile->registrar()});
    }
    out += sofia_contact(arg, tables, globals.get("domain").value_or("freeswitch.local"));
    return core::ApiStatus::kSuccess;
  };
  registry.add(std::move(command));
}

}  // namespace es::sip::sofia
