// switch.conf.xml read with --conf (docs/configuration-files.md): its session limits hold for
// originate, and modules.conf.xml / post_load_switch.conf.xml are accepted.
#include <gtest/gtest.h>

#include <thread>

#include "call_events.hpp"
#include "conf_dir.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

class SwitchConfTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    conf_->write("autoload_configs/switch.conf.xml",
                 "<configuration name=\"switch.conf\" description=\"Core Configuration\">\n"
                 "  <settings>\n" +
                     param("max-sessions", "1") + param("sessions-per-second", "100") +
                     param("max-db-handles", "50") + param("colorize-console", "true") +
                     "  </settings>\n</configuration>\n");
    conf_->write("autoload_configs/post_load_switch.conf.xml",
                 "<configuration name=\"post_load_switch.conf\"><settings>" +
                     param("sessions-per-second", "90") + "</settings></configuration>\n");
    conf_->write("autoload_configs/modules.conf.xml",
                 "<configuration name=\"modules.conf\"><modules>"
                 "<load module=\"mod_console\"/><load module=\"mod_sofia\"/>"
                 "</modules></configuration>\n");
    daemon_ = std::make_unique<DaemonProcess>(conf_args(*conf_));
  }
  static void TearDownTestSuite() {
    DaemonSuite::TearDownTestSuite();
    conf_.reset();
  }

 protected:
  static inline std::unique_ptr<ConfDir> conf_;
};

TEST_F(SwitchConfTest, MaxSessionsLimitsOriginate) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  std::string status = api(client, "status");
  EXPECT_NE(status.find("\n1 session(s) max\n"), std::string::npos) << status;
  EXPECT_NE(status.find("session(s) per Sec out of max 90,"), std::string::npos) << status;

  std::string uuid = ok_uuid(api(client, "originate null/1 &park()"));
  ASSERT_FALSE(uuid.empty());
  // FreeSWITCH's check in switch_core_session_request_uuid: the session would be the second.
  std::string refused = api(client, "originate null/2 &park()");
  EXPECT_TRUE(refused.starts_with("-ERR ")) << refused;
  EXPECT_EQ(api(client, "uuid_kill " + uuid), "+OK\n");
  bool logged = false;
  for (int i = 0; i < 50 && !logged; ++i) {
    logged = daemon_->stderr_text().find("Over Session Limit! 1") != std::string::npos;
    if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(logged) << daemon_->stderr_text();
}

}  // namespace
}  // namespace es::itest
