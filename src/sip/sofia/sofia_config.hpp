// sofia.conf.xml as mod_sofia reads it: the <profiles> (vanilla includes sip_profiles/*.xml
// there) with the <settings> params eventswitch uses and their <gateways>, plus switch.conf's
// RTP port range. Reading never fails: a bad value is reported (ERR) and the default kept, an
// unknown param is reported (DEBUG) and ignored (docs/sip.md, "Configuration").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/log_bus.hpp"
#include "sip/rtp/rtp_stream.hpp"

namespace es::core {
class XmlConfig;
}

namespace es::sip::sofia {

// dtmf-type: how we send DTMF and whether our SDP offers telephone-event (rfc2833 only).
enum class DtmfType { kRfc2833, kInfo, kNone };
std::string_view dtmf_type_name(DtmfType type);

// A <gateway>: read and kept for `sofia status` and outbound calls; eventswitch does not
// register gateways yet.
struct GatewayConfig {
  std::string name;
  std::string proxy;     // default: realm
  std::string realm;     // default: proxy, else the gateway's name
  std::string username;  // required when register is true
  std::string password;  // required when register is true
  bool register_gateway = true;
  int expire_seconds = 3600;  // 5 s at least

  // mod_sofia's register-to, shown by `sofia status`: sip:<username>@<proxy>.
  std::string register_to() const;
};

struct ProfileConfig {
  std::string name = "internal";
  std::string sip_ip = "127.0.0.1";
  std::uint16_t sip_port = 5060;
  std::string rtp_ip = "127.0.0.1";
  std::string context = "default";
  std::string dialplan = "XML";
  // Inbound INVITEs must pass digest authentication against the XML directory (sofia_auth.cpp).
  bool auth_calls = false;
  // accept-blind-auth: with auth-calls, INVITEs are let in without a challenge.
  bool accept_blind_auth = false;
  // challenge-realm: the realm of our challenges; empty or auto_to: the To host, auto_from:
  // the From host, anything else as given.
  std::string challenge_realm;
  // force-register-domain: the directory domain users are looked up in (default: the realm
  // the client answered with).
  std::string force_register_domain;
  // nonce-ttl: seconds a challenge's nonce stays usable (plus SIP's T1x64, 32 s).
  int nonce_ttl = 60;
  // accept-blind-reg: REGISTERs are taken without a challenge.
  bool accept_blind_reg = false;
  // sip-expires-late-margin: seconds a registration outlives the Expires it asked for.
  int sip_expires_late_margin = 60;
  // inbound-codec-prefs: the codecs an inbound offer is matched against (in the offer's
  // order); outbound-codec-prefs: what outbound calls offer, in this order.
  std::vector<std::string> codec_prefs{"PCMU", "PCMA"};
  std::vector<std::string> outbound_codec_prefs{"PCMU", "PCMA"};
  DtmfType dtmf_type = DtmfType::kRfc2833;
  // No accepted RTP for this long after our SDP answer: hang up MEDIA_TIMEOUT. 0: never.
  // The hold value applies when the far end's SDP is sendonly or inactive.
  int rtp_timeout_sec = 0;
  int rtp_hold_timeout_sec = 0;
  rtp::PortRange rtp_ports;
  std::vector<GatewayConfig> gateways;
};

struct ConfigMessage {
  core::LogLevel level = core::LogLevel::kErr;
  std::string text;
};

struct SofiaConfig {
  bool present = false;  // sofia.conf exists in the configuration
  std::vector<ProfileConfig> profiles;
  rtp::PortRange rtp_ports;
  std::vector<ConfigMessage> messages;  // to log, in order
};

// Profiles and gateways beyond these are refused with an error line (each runs a sofia thread).
inline constexpr std::size_t kMaxProfiles = 16;
inline constexpr std::size_t kMaxGatewaysPerProfile = 256;

// Reads sofia.conf and switch.conf from `xml`. `local_ip` stands for sip-ip/rtp-ip when a
// profile does not set them or sets "auto" (FreeSWITCH uses the guessed local address).
SofiaConfig load_sofia_config(const core::XmlConfig& xml, std::string_view local_ip);

// The profiles the daemon starts: sofia.conf's when it is present; otherwise the embedded
// `internal` (127.0.0.1, context default) when the command line gives a port. The command
// line's address (sip-ip and rtp-ip) and port override profile `internal`, or the first one.
std::vector<ProfileConfig> profiles_to_start(const SofiaConfig& config,
                                             const std::optional<std::string>& sip_ip,
                                             std::optional<int> sip_port);

// The codecs of a codec-prefs value eventswitch can negotiate (PCMU, PCMA; "PCMU@20i" counts
// as PCMU), in order; the others are named in `skipped`.
std::vector<std::string> supported_codecs(std::string_view value,
                                          std::vector<std::string>* skipped);

}  // namespace es::sip::sofia
