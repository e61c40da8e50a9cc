// CDR files end to end (docs/cdr.md): xml_cdr.conf / json_cdr.conf in --conf, records under
// --log-dir after a call hangs up.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "call_events.hpp"
#include "conf_dir.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

class CdrFilesTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    conf_->write("autoload_configs/xml_cdr.conf.xml",
                 "<configuration name=\"xml_cdr.conf\"><settings>" + param("log-dir", "") +
                     param("prefix-a-leg", "true") + param("url", "http://127.0.0.1:1/cdr") +
                     "</settings></configuration>\n");
    conf_->write("autoload_configs/json_cdr.conf.xml",
                 "<configuration name=\"json_cdr.conf\"><settings>" +
                     param("log-dir", "$${log_dir}/j") + "</settings></configuration>\n");
    daemon_ =
        std::make_unique<DaemonProcess>(conf_args(*conf_, {"--log-dir", conf_->path() + "/logs"}));
  }
  static void TearDownTestSuite() {
    DaemonSuite::TearDownTestSuite();
    conf_.reset();
  }

 protected:
  static std::string read_when_written(const std::filesystem::path& path) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < end) {
      std::error_code ec;
      if (std::filesystem::file_size(path, ec) > 0 && !ec) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {};
  }
  static inline std::unique_ptr<ConfDir> conf_;
};

TEST_F(CdrFilesTest, ACallLeavesItsRecordsUnderTheLogDir) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  EXPECT_EQ(api(client, "global_getvar log_dir"), conf_->path() + "/logs");
  std::string uuid = ok_uuid(api(client, "originate {cdr_mark=here}null/1000 &park()"));
  ASSERT_FALSE(uuid.empty());
  EXPECT_EQ(api(client, "uuid_kill " + uuid), "+OK\n");
  const std::string logs = conf_->path() + "/logs";
  std::string xml = read_when_written(logs + "/xml_cdr/a_" + uuid + ".cdr.xml");
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\"?>\n<cdr core-uuid=\"", 0), 0u) << xml;
  EXPECT_NE(xml.find("<cdr_mark>here</cdr_mark>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<hangup_cause>NORMAL_CLEARING</hangup_cause>"), std::string::npos);
  // json_cdr.conf has no prefix-a-leg: the plain name.
  std::string json = read_when_written(logs + "/j/" + uuid + ".cdr.json");
  EXPECT_EQ(json.rfind("{\"core-uuid\":\"", 0), 0u) << json;
  EXPECT_NE(json.find("\"cdr_mark\":\"here\""), std::string::npos) << json;
  EXPECT_EQ(json.back(), '\n');
}

}  // namespace
}  // namespace es::itest
