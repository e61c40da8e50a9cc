#include "eventsocket/event_socket_config.hpp"

#include <gtest/gtest.h>

#include "eventsocket/tests/conf_tree.hpp"

namespace es::eventsocket {
namespace {

// Loads a directory whose event_socket.conf has the given <settings> content.
EventSocketConfigResult load_settings(const std::string& settings) {
  testing::ConfTree tree;
  tree.write("autoload_configs/event_socket.conf.xml",
             "<configuration name=\"event_socket.conf\" description=\"Socket Client\">\n"
             "  <settings>\n" +
                 settings +
                 "  </settings>\n"
                 "</configuration>\n");
  core::GlobalVars globals;
  core::XmlLoadResult loaded = core::XmlConfig::load_directory(tree.dir(), globals);
  EXPECT_TRUE(loaded) << loaded.error;
  return load_event_socket_config(loaded.config.get());
}

std::string param(const char* name, const char* value) {
  return std::string("    <param name=\"") + name + "\" value=\"" + value + "\"/>\n";
}

TEST(EventSocketConfig, DefaultsWithoutConfiguration) {
  for (const EventSocketConfigResult& result :
       {load_event_socket_config(nullptr), load_event_socket_config(core::XmlConfig::empty().get()),
        load_settings("")}) {
    const EventSocketConfig& c = result.config;
    EXPECT_EQ(c.listen_ip, "127.0.0.1");
    EXPECT_EQ(c.listen_port, 8021);
    EXPECT_EQ(c.password, "ClueCon");
    EXPECT_EQ(c.apply_inbound_acl, std::vector<std::string>{"loopback.auto"});
    EXPECT_FALSE(c.stop_on_bind_error);
    EXPECT_EQ(c.debug, 0);
    EXPECT_FALSE(c.nat_map);
    EXPECT_EQ(c.max_queue_events, 100000u);
    EXPECT_EQ(c.max_queue_bytes, 64u * 1024 * 1024);
    EXPECT_EQ(c.auth_timeout_s, 25);
    EXPECT_EQ(c.body_timeout_s, 25);
    EXPECT_EQ(c.max_lost_before_kill, 500);
    EXPECT_TRUE(result.warnings.empty());
  }
}

TEST(EventSocketConfig, VanillaFile) {
  auto result =
      load_settings(param("nat-map", "false") + param("listen-ip", "::") +
                    param("listen-port", "8021") + param("password", "ClueCon") +
                    "    <!--<param name=\"apply-inbound-acl\" value=\"loopback.auto\"/>-->\n"
                    "    <!--<param name=\"stop-on-bind-error\" value=\"true\"/>-->\n");
  EXPECT_EQ(result.config.listen_ip, "::");
  EXPECT_EQ(result.config.listen_port, 8021);
  EXPECT_EQ(result.config.password, "ClueCon");
  EXPECT_EQ(result.config.apply_inbound_acl, std::vector<std::string>{"loopback.auto"});
  EXPECT_FALSE(result.config.stop_on_bind_error);
}

TEST(EventSocketConfig, NameMatchingIsExactOrCaseInsensitiveAsInFreeswitch) {
  auto result = load_settings(
      param("Listen-IP", "0.0.0.0") + param("LISTEN-PORT", "9000") + param("Password", "nope") +
      param("DEBUG", "4") + param("APPLY-Inbound-ACL", "lan") + param("Stop-On-Bind-Error", "yes"));
  EXPECT_EQ(result.config.listen_ip, "127.0.0.1");
  EXPECT_EQ(result.config.listen_port, 8021);
  EXPECT_EQ(result.config.password, "ClueCon");
  EXPECT_EQ(result.config.debug, 0);
  EXPECT_EQ(result.config.apply_inbound_acl, std::vector<std::string>{"lan"});
  EXPECT_TRUE(result.config.stop_on_bind_error);
}

TEST(EventSocketConfig, ValuesAreReadAsFreeswitchReadsThem) {
  auto result = load_settings(
      param("listen-ip", "10.0.0.1") + param("listen-ip", "") + param("password", "secret") +
      param("listen-port", "8022abc") + param("debug", "3") + param("nat-map", "true") +
      param("apply-inbound-acl", "") + param("apply-inbound-acl", "lan") +
      param("apply-inbound-acl", "10.0.0.0/8,192.168.0.0/16") + param("stop-on-bind-error", "1"));
  EXPECT_EQ(result.config.listen_ip, "127.0.0.1");  // the last (empty) value wins, then default
  EXPECT_EQ(result.config.password, "secret");
  EXPECT_EQ(result.config.listen_port, 8022);
  EXPECT_EQ(result.config.debug, 3);
  EXPECT_FALSE(result.config.nat_map);
  EXPECT_EQ(result.config.apply_inbound_acl,
            (std::vector<std::string>{"lan", "10.0.0.0/8,192.168.0.0/16"}));
  EXPECT_TRUE(result.config.stop_on_bind_error);

  EXPECT_EQ(load_settings(param("listen-port", "0")).config.listen_port, 8021);
  EXPECT_EQ(load_settings(param("listen-port", "70000")).config.listen_port, 70000 % 65536);
  EXPECT_EQ(load_settings(param("listen-port", "x")).config.listen_port, 8021);
  EXPECT_FALSE(load_settings(param("stop-on-bind-error", "on") + param("stop-on-bind-error", "no"))
                   .config.stop_on_bind_error);
}

TEST(EventSocketConfig, AtMostOneHundredAcls) {
  std::string settings;
  for (int i = 0; i < 101; ++i)
    settings += param("apply-inbound-acl", ("10.0.0." + std::to_string(i) + "/32").c_str());
  auto result = load_settings(settings);
  ASSERT_EQ(result.config.apply_inbound_acl.size(), 100u);
  EXPECT_EQ(result.config.apply_inbound_acl.back(), "10.0.0.99/32");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0], "Max acl records of 100 reached");
}

TEST(EventSocketConfig, EventswitchLimits) {
  auto result = load_settings(param("max-queue-events", "500") +
                              param("Max-Queue-Bytes", "1048576") + param("auth-timeout", "5") +
                              param("body-timeout", "7") + param("max-lost-before-kill", "20"));
  EXPECT_EQ(result.config.max_queue_events, 500u);
  EXPECT_EQ(result.config.max_queue_bytes, 1048576u);
  EXPECT_EQ(result.config.auth_timeout_s, 5);
  EXPECT_EQ(result.config.body_timeout_s, 7);
  EXPECT_EQ(result.config.max_lost_before_kill, 20);
  EXPECT_TRUE(result.warnings.empty());

  EXPECT_EQ(result.config.max_bgapi_jobs, 1024u);
  EXPECT_EQ(result.config.max_connections, 20000u);
  EXPECT_EQ(result.config.max_unauthenticated_per_address, 12000u);
  EXPECT_EQ(result.config.max_filters, 256u);
  EXPECT_EQ(result.config.max_subclasses, 256u);

  auto caps = load_settings(param("max-bgapi-jobs", "4") + param("MAX-CONNECTIONS", "300") +
                            param("max-unauthenticated-per-address", "30") +
                            param("max-filters", "3") + param("max-subclasses", "5"));
  EXPECT_EQ(caps.config.max_bgapi_jobs, 4u);
  EXPECT_EQ(caps.config.max_connections, 300u);
  EXPECT_EQ(caps.config.max_unauthenticated_per_address, 30u);
  EXPECT_EQ(caps.config.max_filters, 3u);
  EXPECT_EQ(caps.config.max_subclasses, 5u);
  EXPECT_TRUE(caps.warnings.empty());

  auto bad = load_settings(param("max-queue-events", "0") + param("auth-timeout", "5s") +
                           param("max-queue-bytes", "-1"));
  EXPECT_EQ(bad.config.max_queue_events, 100000u);
  EXPECT_EQ(bad.config.auth_timeout_s, 25);
  EXPECT_EQ(bad.config.max_queue_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(bad.warnings.size(), 3u);
}

TEST(EventSocketConfig, JsonNumericHeadersIsOffUnlessSwitchTrue) {
  EXPECT_FALSE(load_settings("").config.json_numeric_headers);
  EXPECT_TRUE(load_settings(param("json-numeric-headers", "true")).config.json_numeric_headers);
  EXPECT_TRUE(load_settings(param("JSON-Numeric-Headers", "yes")).config.json_numeric_headers);
  EXPECT_FALSE(load_settings(param("json-numeric-headers", "no")).config.json_numeric_headers);
}

TEST(EventSocketConfig, AllowedFileDirs) {
  EXPECT_FALSE(load_settings("").config.allowed_file_dirs.has_value());
  auto result = load_settings(param("Allowed-File-Dirs", " /var/rec , /var/snd;/tmp/x ;"));
  ASSERT_TRUE(result.config.allowed_file_dirs.has_value());
  EXPECT_EQ(*result.config.allowed_file_dirs,
            (std::vector<std::string>{"/var/rec", "/var/snd", "/tmp/x"}));
  // Set but empty allows no file: it is not the same as absent.
  auto empty = load_settings(param("allowed-file-dirs", ""));
  ASSERT_TRUE(empty.config.allowed_file_dirs.has_value());
  EXPECT_TRUE(empty.config.allowed_file_dirs->empty());
}

TEST(EventSocketConfig, VariablesFromVarsXmlAreExpanded) {
  testing::ConfTree tree;
  tree.write("vars.xml",
             "<include>\n<X-PRE-PROCESS cmd=\"set\" data=\"esl_pw=s3cret\"/>\n</include>\n");
  tree.write("autoload_configs/event_socket.conf.xml",
             "<configuration name=\"event_socket.conf\"><settings>\n" +
                 param("password", "$${esl_pw}") + "</settings></configuration>\n");
  core::GlobalVars globals;
  core::XmlLoadResult loaded = core::XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(loaded) << loaded.error;
  EXPECT_EQ(load_event_socket_config(loaded.config.get()).config.password, "s3cret");
}

TEST(EventSocketConfig, DefaultPasswordBeyondLoopbackIsFlagged) {
  EXPECT_FALSE(exposes_default_password("127.0.0.1", "ClueCon"));
  EXPECT_FALSE(exposes_default_password("127.3.2.1", "ClueCon"));
  EXPECT_FALSE(exposes_default_password("::1", "ClueCon"));
  EXPECT_FALSE(exposes_default_password("::ffff:127.0.0.1", "ClueCon"));
  EXPECT_TRUE(exposes_default_password("0.0.0.0", "ClueCon"));
  EXPECT_TRUE(exposes_default_password("::", "ClueCon"));
  EXPECT_TRUE(exposes_default_password("192.0.2.7", "ClueCon"));
  EXPECT_TRUE(exposes_default_password("switch.example", "ClueCon"));
  EXPECT_FALSE(exposes_default_password("0.0.0.0", "s3cret"));
  EXPECT_FALSE(exposes_default_password("0.0.0.0", "cluecon"));
}

}  // namespace
}  // namespace es::eventsocket

namespace es::eventsocket {
namespace {

TEST(EventSocketConfig, TlsAndMetricsParams) {
  EventSocketConfig defaults = load_settings("").config;
  EXPECT_TRUE(defaults.tls_cert_file.empty());
  EXPECT_EQ(defaults.tls_listen_port, 8022);
  EXPECT_EQ(defaults.tls_handshake_timeout_s, 10);
  EXPECT_FALSE(defaults.tls_verify_client);
  EXPECT_TRUE(defaults.metrics_listen.empty());

  auto result = load_settings(
      param("tls-cert-file", "/etc/es/server.pem") + param("TLS-Key-File", "/etc/es/server.key") +
      param("tls-ca-file", "/etc/es/ca.pem") + param("tls-verify-client", "yes") +
      param("tls-listen-ip", "0.0.0.0") + param("tls-listen-port", "9443") +
      param("tls-handshake-timeout", "3") + param("metrics-listen", "127.0.0.1:9282"));
  const EventSocketConfig& c = result.config;
  EXPECT_EQ(c.tls_cert_file, "/etc/es/server.pem");
  EXPECT_EQ(c.tls_key_file, "/etc/es/server.key");
  EXPECT_EQ(c.tls_ca_file, "/etc/es/ca.pem");
  EXPECT_TRUE(c.tls_verify_client);
  EXPECT_EQ(c.tls_listen_ip, "0.0.0.0");
  EXPECT_EQ(c.tls_listen_port, 9443);
  EXPECT_EQ(c.tls_handshake_timeout_s, 3);
  EXPECT_EQ(c.metrics_listen, "127.0.0.1:9282");
  EXPECT_TRUE(result.warnings.empty());

  auto bad = load_settings(param("tls-handshake-timeout", "0") + param("tls-listen-port", "x"));
  EXPECT_EQ(bad.config.tls_handshake_timeout_s, 10);
  EXPECT_EQ(bad.config.tls_listen_port, 8022);
  EXPECT_EQ(bad.warnings.size(), 2u);
}

}  // namespace
}  // namespace es::eventsocket
