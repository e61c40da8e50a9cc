// switch.conf's dial-string-map end to end: an application's production dial string reaches a
// sim/ leg, and reloadxml picks up a changed map.
#include <gtest/gtest.h>

#include "call_events.hpp"
#include "conf_dir.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

std::string switch_conf(std::string_view from, std::string_view to) {
  return "<configuration name=\"switch.conf\" description=\"Core Configuration\">\n"
         "  <dial-string-map>\n"
         "    <map from=\"" +
         std::string(from) + "\" to=\"" + std::string(to) +
         "\"/>\n"
         "  </dial-string-map>\n"
         "</configuration>\n";
}

class DialStringMapTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    conf_->write("autoload_configs/switch.conf.xml",
                 switch_conf("sofia/gateway/carrier/*", "[sim_ring_ms=0,my_mark=mapped]sim/*"));
    daemon_ = std::make_unique<DaemonProcess>(conf_args(*conf_));
  }
  static void TearDownTestSuite() {
    DaemonSuite::TearDownTestSuite();
    conf_.reset();
  }

 protected:
  static inline std::unique_ptr<ConfDir> conf_;
};

TEST_F(DialStringMapTest, AProductionDialStringReachesASimLeg) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  std::string uuid =
      ok_uuid(api(client, "originate [my_own=kept]sofia/gateway/carrier/15551234 &park()"));
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(api(client, "uuid_getvar " + uuid + " originate_endpoint"), "sim");
  EXPECT_EQ(api(client, "uuid_getvar " + uuid + " my_mark"), "mapped");
  EXPECT_EQ(api(client, "uuid_getvar " + uuid + " my_own"), "kept");
  EXPECT_NE(api(client, "show channels").find("sim/15551234"), std::string::npos);
  api(client, "uuid_kill " + uuid);
  // A dial string no rule names is left alone: there is no sofia endpoint here.
  EXPECT_EQ(api(client, "originate sofia/gateway/other/1 &park()"), "-ERR CHAN_NOT_IMPLEMENTED\n");
}

TEST_F(DialStringMapTest, ReloadxmlReadsTheMapAgain) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  conf_->write("autoload_configs/switch.conf.xml", switch_conf("sofia/gateway/other/*", "null/*"));
  EXPECT_EQ(api(client, "reloadxml"), "+OK [Success]\n");
  std::string uuid = ok_uuid(api(client, "originate sofia/gateway/other/42 &park()"));
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(api(client, "uuid_getvar " + uuid + " originate_endpoint"), "null");
  api(client, "uuid_kill " + uuid);
  conf_->write("autoload_configs/switch.conf.xml", switch_conf("sofia/gateway/carrier/*", "sim/*"));
  EXPECT_EQ(api(client, "reloadxml"), "+OK [Success]\n");
}

}  // namespace
}  // namespace es::itest
