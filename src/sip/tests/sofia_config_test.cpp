// sofia.conf.xml and the sip_profiles it includes, read through the configuration loader and
// its pre-processor; switch.conf's RTP port range.
#include "sip/sofia/sofia_config.hpp"

#include <gtest/gtest.h>

#include "core/global_vars.hpp"
#include "core/xml_config.hpp"
#include "eventsocket/tests/conf_tree.hpp"

namespace es::sip::sofia {
namespace {

using eventsocket::testing::ConfTree;

constexpr const char* kSofiaConf =
    "<configuration name=\"sofia.conf\" description=\"sofia Endpoint\">\n"
    "  <global_settings>\n"
    "    <param name=\"log-level\" value=\"0\"/>\n"
    "  </global_settings>\n"
    "  <profiles>\n"
    "    <X-PRE-PROCESS cmd=\"include\" data=\"../sip_profiles/*.xml\"/>\n"
    "  </profiles>\n"
    "</configuration>\n";

// conf/vanilla's vars.xml, trimmed to what the profiles below use.
constexpr const char* kVars =
    "<include>\n"
    "  <X-PRE-PROCESS cmd=\"set\" data=\"domain=$${local_ip_v4}\"/>\n"
    "  <X-PRE-PROCESS cmd=\"set\" data=\"hold_music=local_stream://moh\"/>\n"
    "  <X-PRE-PROCESS cmd=\"set\" data=\"global_codec_prefs=OPUS,G722,PCMU,PCMA,H264,VP8\"/>\n"
    "  <X-PRE-PROCESS cmd=\"set\" data=\"outbound_codec_prefs=OPUS,G722,PCMA,PCMU,H264\"/>\n"
    "  <X-PRE-PROCESS cmd=\"set\" data=\"internal_auth_calls=true\"/>\n"
    "  <X-PRE-PROCESS cmd=\"set\" data=\"internal_sip_port=5060\"/>\n"
    "  <X-PRE-PROCESS cmd=\"set\" data=\"external_sip_port=5080\"/>\n"
    "</include>\n";

// conf/vanilla's sip_profiles/internal.xml, trimmed (a sample of the params it sets that
// eventswitch does not use is kept).
constexpr const char* kInternal =
    "<profile name=\"internal\">\n"
    "  <aliases></aliases>\n"
    "  <gateways></gateways>\n"
    "  <domains><domain name=\"all\" alias=\"true\" parse=\"false\"/></domains>\n"
    "  <settings>\n"
    "    <param name=\"debug\" value=\"0\"/>\n"
    "    <param name=\"sip-trace\" value=\"no\"/>\n"
    "    <param name=\"context\" value=\"public\"/>\n"
    "    <param name=\"rfc2833-pt\" value=\"101\"/>\n"
    "    <param name=\"sip-port\" value=\"$${internal_sip_port}\"/>\n"
    "    <param name=\"dialplan\" value=\"XML\"/>\n"
    "    <param name=\"dtmf-duration\" value=\"2000\"/>\n"
    "    <param name=\"inbound-codec-prefs\" value=\"$${global_codec_prefs}\"/>\n"
    "    <param name=\"outbound-codec-prefs\" value=\"$${global_codec_prefs}\"/>\n"
    "    <param name=\"rtp-timer-name\" value=\"soft\"/>\n"
    "    <param name=\"rtp-ip\" value=\"$${local_ip_v4}\"/>\n"
    "    <param name=\"sip-ip\" value=\"$${local_ip_v4}\"/>\n"
    "    <param name=\"hold-music\" value=\"$${hold_music}\"/>\n"
    "    <param name=\"apply-nat-acl\" value=\"nat.auto\"/>\n"
    "    <param name=\"inbound-codec-negotiation\" value=\"generous\"/>\n"
    "    <param name=\"auth-calls\" value=\"$${internal_auth_calls}\"/>\n"
    "    <param name=\"rtp-timeout-sec\" value=\"300\"/>\n"
    "    <param name=\"rtp-hold-timeout-sec\" value=\"1800\"/>\n"
    "    <param name=\"force-register-domain\" value=\"$${domain}\"/>\n"
    "  </settings>\n"
    "</profile>\n";

// conf/vanilla's sip_profiles/external.xml, trimmed; its gateways come from external/*.xml.
constexpr const char* kExternal =
    "<profile name=\"external\">\n"
    "  <gateways>\n"
    "    <X-PRE-PROCESS cmd=\"include\" data=\"external/*.xml\"/>\n"
    "  </gateways>\n"
    "  <settings>\n"
    "    <param name=\"sip-port\" value=\"$${external_sip_port}\"/>\n"
    "    <param name=\"dialplan\" value=\"XML\"/>\n"
    "    <param name=\"context\" value=\"public\"/>\n"
    "    <param name=\"inbound-codec-prefs\" value=\"$${global_codec_prefs}\"/>\n"
    "    <param name=\"outbound-codec-prefs\" value=\"$${outbound_codec_prefs}\"/>\n"
    "    <param name=\"auth-calls\" value=\"false\"/>\n"
    "    <param name=\"rtp-ip\" value=\"$${local_ip_v4}\"/>\n"
    "    <param name=\"sip-ip\" value=\"$${local_ip_v4}\"/>\n"
    "    <param name=\"ext-rtp-ip\" value=\"$${external_rtp_ip}\"/>\n"
    "    <param name=\"rtp-timeout-sec\" value=\"300\"/>\n"
    "    <param name=\"rtp-hold-timeout-sec\" value=\"1800\"/>\n"
    "  </settings>\n"
    "</profile>\n";

constexpr const char* kGateways =
    "<include>\n"
    "  <gateway name=\"asterlink.com\">\n"
    "    <param name=\"username\" value=\"cluecon\"/>\n"
    "    <param name=\"password\" value=\"2007\"/>\n"
    "    <param name=\"from-user\" value=\"cluecon\"/>\n"
    "    <param name=\"expire-seconds\" value=\"60\"/>\n"
    "  </gateway>\n"
    "  <gateway name=\"byproxy\">\n"
    "    <param name=\"proxy\" value=\"sip:192.0.2.9\"/>\n"
    "    <param name=\"register\" value=\"no\"/>\n"
    "  </gateway>\n"
    "  <gateway name=\"carrier\">\n"
    "    <param name=\"proxy\" value=\"192.0.2.7:5070\"/>\n"
    "    <param name=\"realm\" value=\"carrier.example\"/>\n"
    "    <param name=\"register\" value=\"false\"/>\n"
    "  </gateway>\n"
    "</include>\n";

struct Loaded {
  SofiaConfig config;
  std::string all_messages;
  std::size_t count(core::LogLevel level, std::string_view needle) const {
    std::size_t n = 0;
    for (const auto& m : config.messages) {
      if (m.level == level && m.text.find(needle) != std::string::npos) ++n;
    }
    return n;
  }
};

Loaded load(const ConfTree& tree) {
  core::GlobalVars globals;
  globals.set("local_ip_v4", "127.0.0.9");
  auto result = core::XmlConfig::load_directory(tree.dir(), globals);
  EXPECT_TRUE(result) << result.error;
  Loaded out;
  if (!result) return out;
  out.config = load_sofia_config(*result.config, "127.0.0.9");
  for (const auto& m : out.config.messages) out.all_messages += m.text + "\n";
  return out;
}

const ProfileConfig* find(const SofiaConfig& config, std::string_view name) {
  for (const auto& profile : config.profiles) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

TEST(SofiaConfig, VanillaInternalAndExternalLoadThroughTheIncludes) {
  ConfTree tree;
  tree.write("vars.xml", kVars);
  tree.write("autoload_configs/sofia.conf.xml", kSofiaConf);
  tree.write("sip_profiles/internal.xml", kInternal);
  tree.write("sip_profiles/external.xml", kExternal);
  tree.write("sip_profiles/external/example.xml", kGateways);
  const auto loaded = load(tree);
  const auto& config = loaded.config;
  ASSERT_TRUE(config.present);
  ASSERT_EQ(config.profiles.size(), 2U) << loaded.all_messages;
  // The include glob is sorted: external before internal.
  EXPECT_EQ(config.profiles[0].name, "external");
  const auto* internal = find(config, "internal");
  ASSERT_NE(internal, nullptr);
  EXPECT_EQ(internal->sip_ip, "127.0.0.9");
  EXPECT_EQ(internal->rtp_ip, "127.0.0.9");
  EXPECT_EQ(internal->sip_port, 5060);
  EXPECT_EQ(internal->context, "public");
  EXPECT_EQ(internal->dialplan, "XML");
  EXPECT_TRUE(internal->auth_calls);
  EXPECT_EQ(internal->force_register_domain, "127.0.0.9");
  EXPECT_EQ(internal->nonce_ttl, 60);
  EXPECT_EQ(internal->codec_prefs, (std::vector<std::string>{"PCMU", "PCMA"}));
  EXPECT_EQ(internal->dtmf_type, DtmfType::kRfc2833);
  EXPECT_EQ(internal->rtp_timeout_sec, 300);
  EXPECT_EQ(internal->rtp_hold_timeout_sec, 1800);
  EXPECT_TRUE(internal->gateways.empty());
  const auto* external = find(config, "external");
  ASSERT_NE(external, nullptr);
  EXPECT_EQ(external->sip_port, 5080);
  EXPECT_FALSE(external->auth_calls);
  EXPECT_EQ(external->codec_prefs, (std::vector<std::string>{"PCMU", "PCMA"}));
  EXPECT_EQ(external->outbound_codec_prefs, (std::vector<std::string>{"PCMA", "PCMU"}));
  ASSERT_EQ(external->gateways.size(), 3U) << loaded.all_messages;
  const auto& asterlink = external->gateways[0];
  EXPECT_EQ(asterlink.name, "asterlink.com");
  EXPECT_EQ(asterlink.username, "cluecon");
  EXPECT_EQ(asterlink.password, "2007");
  EXPECT_EQ(asterlink.realm, "asterlink.com");
  EXPECT_EQ(asterlink.proxy, "asterlink.com");
  EXPECT_TRUE(asterlink.register_gateway);
  EXPECT_EQ(asterlink.expire_seconds, 60);
  EXPECT_EQ(asterlink.register_to(), "sip:cluecon@asterlink.com");
  const auto& byproxy = external->gateways[1];
  EXPECT_EQ(byproxy.realm, "sip:192.0.2.9");
  EXPECT_EQ(byproxy.register_to(), "sip:FreeSWITCH@192.0.2.9");
  const auto& carrier = external->gateways[2];
  EXPECT_EQ(carrier.proxy, "192.0.2.7:5070");
  EXPECT_EQ(carrier.realm, "carrier.example");
  EXPECT_FALSE(carrier.register_gateway);
  EXPECT_EQ(carrier.username, "FreeSWITCH");
  EXPECT_EQ(carrier.expire_seconds, 3600);
  EXPECT_EQ(carrier.register_to(), "sip:FreeSWITCH@192.0.2.7:5070");
  // auth-calls is enforced now: no warning at load; vanilla's force-register-domain is kept.
  EXPECT_EQ(loaded.count(core::LogLevel::kWarning, "auth-calls"), 0U);
  EXPECT_EQ(loaded.count(core::LogLevel::kErr, ""), 0U) << loaded.all_messages;
}

TEST(SofiaConfig, UnknownParamsGetOneDebugLineEach) {
  ConfTree tree;
  tree.write("vars.xml", kVars);
  tree.write("autoload_configs/sofia.conf.xml", kSofiaConf);
  tree.write("sip_profiles/internal.xml", kInternal);
  tree.write("sip_profiles/external.xml", kExternal);
  tree.write("sip_profiles/external/example.xml", kGateways);
  const auto loaded = load(tree);
  EXPECT_EQ(loaded.count(core::LogLevel::kDebug, "profile internal: param rtp-timer-name ignored"),
            1U);
  EXPECT_EQ(loaded.count(core::LogLevel::kDebug, "profile internal: param hold-music ignored"), 1U);
  EXPECT_EQ(loaded.count(core::LogLevel::kDebug, "param ext-rtp-ip ignored"), 1U);
  EXPECT_EQ(loaded.count(core::LogLevel::kDebug, "gateway asterlink.com: param from-user ignored"),
            1U);
  // internal.xml above sets 8 params eventswitch does not use (force-register-domain is used).
  EXPECT_EQ(loaded.count(core::LogLevel::kDebug, "profile internal: param "), 8U)
      << loaded.all_messages;
}

TEST(SofiaConfig, BadValuesAreReportedAndTheDefaultKept) {
  ConfTree tree;
  tree.write("autoload_configs/sofia.conf.xml",
             "<configuration name=\"sofia.conf\"><profiles>\n"
             "<profile name=\"p\"><settings>\n"
             "  <param name=\"sip-port\" value=\"50x\"/>\n"
             "  <param name=\"sip-ip\" value=\"not-an-ip\"/>\n"
             "  <param name=\"rtp-ip\" value=\"auto\"/>\n"
             "  <param name=\"context\" value=\"\"/>\n"
             "  <param name=\"auth-calls\" value=\"maybe\"/>\n"
             "  <param name=\"codec-prefs\" value=\"G729,OPUS\"/>\n"
             "  <param name=\"dtmf-type\" value=\"inband\"/>\n"
             "  <param name=\"rtp-timeout-sec\" value=\"-5\"/>\n"
             "  <param name=\"rtp-hold-timeout-sec\" value=\"99999999999999999999\"/>\n"
             "</settings>\n"
             "<gateways>\n"
             "  <gateway name=\"g\"><param name=\"username\" value=\"u\"/>"
             "<param name=\"password\" value=\"p\"/>"
             "<param name=\"expire-seconds\" value=\"4\"/>"
             "<param name=\"register\" value=\"perhaps\"/></gateway>\n"
             "  <gateway name=\"nocreds\"/>\n"
             "  <gateway name=\"g\"><param name=\"register\" value=\"false\"/></gateway>\n"
             "  <gateway><param name=\"register\" value=\"false\"/></gateway>\n"
             "</gateways></profile>\n"
             "<profile name=\"p\"/>\n"
             "<profile name=\"a/b\"/>\n"
             "<profile><settings><param name=\"dtmf-type\" value=\"INFO\"/></settings></profile>\n"
             "<profile name=\"q\"><settings><param name=\"dtmf-type\" value=\"INFO\"/>"
             "<param name=\"codec-prefs\" value=\"PCMA@20i,pcmu\"/></settings></profile>\n"
             "</profiles></configuration>\n");
  const auto loaded = load(tree);
  ASSERT_EQ(loaded.config.profiles.size(), 2U) << loaded.all_messages;
  const auto& p = loaded.config.profiles[0];
  const ProfileConfig defaults;
  EXPECT_EQ(p.sip_port, defaults.sip_port);
  EXPECT_EQ(p.sip_ip, "127.0.0.9");  // the local address, as sip-ip unset
  EXPECT_EQ(p.rtp_ip, "127.0.0.9");  // auto
  EXPECT_EQ(p.context, defaults.context);
  EXPECT_FALSE(p.auth_calls);
  EXPECT_EQ(p.codec_prefs, defaults.codec_prefs);
  EXPECT_EQ(p.dtmf_type, DtmfType::kRfc2833);
  EXPECT_EQ(p.rtp_timeout_sec, 0);
  EXPECT_EQ(p.rtp_hold_timeout_sec, 0);
  ASSERT_EQ(p.gateways.size(), 1U) << loaded.all_messages;
  EXPECT_EQ(p.gateways[0].expire_seconds, 3600);
  EXPECT_TRUE(p.gateways[0].register_gateway);
  for (const char* needle :
       {"profile p: sip-port '50x' is not a number from 1 to 65535; using 5060",
        "profile p: sip-ip 'not-an-ip' is not an IP address", "profile p: context '' is not set",
        "profile p: auth-calls 'maybe' is not true or false; using false",
        "profile p: codec-prefs 'G729,OPUS' is not a list holding PCMU or PCMA; using PCMU,PCMA",
        "profile p: dtmf-type 'inband' is not rfc2833, info or none; using rfc2833",
        "profile p: rtp-timeout-sec '-5'", "profile p: rtp-hold-timeout-sec '9999",
        "gateway g: expire-seconds '4' is not a number from 5 to 31536000; using 3600",
        "gateway g: register 'perhaps'",
        "gateway nocreds: ignored: username and password are required",
        "gateway g: a second gateway", "gateway : a gateway without a name",
        "profile p: ignored: a profile of this name exists already",
        "profile a/b: ignored: a profile needs a name", "profile : ignored: a profile needs"}) {
    EXPECT_EQ(loaded.count(core::LogLevel::kErr, needle), 1U) << needle << "\n"
                                                              << loaded.all_messages;
  }
  const auto& q = loaded.config.profiles[1];
  EXPECT_EQ(q.dtmf_type, DtmfType::kInfo);
  EXPECT_EQ(q.codec_prefs, (std::vector<std::string>{"PCMA", "PCMU"}));
  EXPECT_EQ(q.outbound_codec_prefs, (std::vector<std::string>{"PCMA", "PCMU"}));
}

TEST(SofiaConfig, SwitchConfBoundsTheRtpPortsOfEveryProfile) {
  ConfTree tree;
  tree.write("autoload_configs/switch.conf.xml",
             "<configuration name=\"switch.conf\"><settings>\n"
             "  <param name=\"rtp-start-port\" value=\"20000\"/>\n"
             "  <param name=\"rtp-end-port\" value=\"20100\"/>\n"
             "</settings></configuration>\n");
  tree.write("autoload_configs/sofia.conf.xml",
             "<configuration name=\"sofia.conf\"><profiles>"
             "<profile name=\"a\"/><profile name=\"b\"/></profiles></configuration>\n");
  const auto loaded = load(tree);
  EXPECT_EQ(loaded.config.rtp_ports.first, 20000);
  EXPECT_EQ(loaded.config.rtp_ports.last, 20100);
  ASSERT_EQ(loaded.config.profiles.size(), 2U);
  for (const auto& profile : loaded.config.profiles) {
    EXPECT_EQ(profile.rtp_ports.first, 20000);
    EXPECT_EQ(profile.rtp_ports.last, 20100);
  }
  // Without sofia.conf the embedded profile (given a port) takes the range too.
  const auto embedded = profiles_to_start(
      SofiaConfig{
          .present = false, .profiles = {}, .rtp_ports = loaded.config.rtp_ports, .messages = {}},
      std::nullopt, 5099);
  ASSERT_EQ(embedded.size(), 1U);
  EXPECT_EQ(embedded[0].rtp_ports.first, 20000);
}

TEST(SofiaConfig, BadPortRangesFallBackToTheDefault) {
  for (const auto& [start, end, needle] :
       {std::tuple{"30000", "20000", "holds no even port; using 16384-32768"},
        std::tuple{"20001", "20001", "holds no even port"},
        std::tuple{"0", "20000", "rtp-start-port '0' is not a number from 1 to 65535"},
        std::tuple{"20000", "70000", "rtp-end-port '70000' is not a number"}}) {
    ConfTree tree;
    tree.write("autoload_configs/switch.conf.xml",
               std::string("<configuration name=\"switch.conf\"><settings>") +
                   "<param name=\"rtp-start-port\" value=\"" + start + "\"/>" +
                   "<param name=\"rtp-end-port\" value=\"" + end + "\"/>" +
                   "</settings></configuration>\n");
    const auto loaded = load(tree);
    EXPECT_EQ(loaded.count(core::LogLevel::kErr, needle), 1U) << loaded.all_messages;
    const rtp::PortRange defaults;
    if (std::string_view(needle).starts_with("holds")) {
      EXPECT_EQ(loaded.config.rtp_ports.first, defaults.first);
      EXPECT_EQ(loaded.config.rtp_ports.last, defaults.last);
    }
    EXPECT_FALSE(loaded.config.present);
  }
}

TEST(SofiaConfig, CommandLineOverridesProfileInternalOrTheFirst) {
  SofiaConfig config;
  config.present = true;
  config.profiles.resize(2);
  config.profiles[0].name = "external";
  config.profiles[1].name = "internal";
  auto profiles = profiles_to_start(config, std::string("127.0.0.5"), 5077);
  ASSERT_EQ(profiles.size(), 2U);
  EXPECT_EQ(profiles[1].sip_ip, "127.0.0.5");
  EXPECT_EQ(profiles[1].rtp_ip, "127.0.0.5");
  EXPECT_EQ(profiles[1].sip_port, 5077);
  EXPECT_EQ(profiles[0].sip_port, 5060);
  config.profiles[1].name = "other";
  profiles = profiles_to_start(config, std::nullopt, 5078);
  EXPECT_EQ(profiles[0].sip_port, 5078);
  EXPECT_EQ(profiles[1].sip_port, 5060);
  // No sofia.conf and no port: no profile (as before --conf existed).
  EXPECT_TRUE(profiles_to_start(SofiaConfig{}, std::string("127.0.0.1"), std::nullopt).empty());
  const auto embedded = profiles_to_start(SofiaConfig{}, std::nullopt, 5079);
  ASSERT_EQ(embedded.size(), 1U);
  EXPECT_EQ(embedded[0].name, "internal");
  EXPECT_EQ(embedded[0].sip_ip, "127.0.0.1");
  EXPECT_EQ(embedded[0].context, "default");
}

TEST(SofiaConfig, SupportedCodecsKeepOrderAndSkipTheRest) {
  std::vector<std::string> skipped;
  EXPECT_EQ(supported_codecs("OPUS, pcma@8000h@20i ,G722,PCMU,PCMA", &skipped),
            (std::vector<std::string>{"PCMA", "PCMU"}));
  EXPECT_EQ(skipped, (std::vector<std::string>{"OPUS", "G722"}));
  EXPECT_TRUE(supported_codecs(",,", nullptr).empty());
}

}  // namespace
}  // namespace es::sip::sofia
