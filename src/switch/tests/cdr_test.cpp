// CDR files (docs/cdr.md): settings read as mod_xml_cdr / mod_json_cdr read them, file names
// that stay in log-dir, and records written after hangup that parse and carry the call.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pugixml.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/clock.hpp"
#include "core/log_bus.hpp"
#include "core/uuid.hpp"
#include "switch/cdr_writer.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const core::XmlConfig> config_of(const std::string& settings_xml) {
  core::GlobalVars globals;
  auto result = core::XmlConfig::load_text(
      "<document type=\"freeswitch/xml\"><section name=\"configuration\">" + settings_xml +
          "</section></document>",
      "/", globals);
  EXPECT_TRUE(result) << result.error;
  return result.config;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A small JSON reader for the test: every string leaf by its path ("a/b/0/c"); false when the
// text is not one well-formed JSON value.
class FlatJson {
 public:
  bool parse(std::string_view text) {
    text_ = text;
    pos_ = 0;
    return value("") && (skip(), pos_ == text_.size());
  }
  std::map<std::string, std::string> leaves;

 private:
  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool string(std::string& out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (++pos_ >= text_.size()) return false;
        c = text_[pos_] == 'n' ? '\n' : text_[pos_];
      }
      out.push_back(c);
    }
    return false;
  }
  bool value(const std::string& path) {
    skip();
    if (pos_ >= text_.size()) return false;
    char c = text_[pos_];
    if (c == '"') {
      std::string s;
      if (!string(s)) return false;
      leaves[path] = s;
      return true;
    }
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++pos_;
      skip();
      if (pos_ < text_.size() && text_[pos_] == close) return ++pos_, true;
      for (int i = 0;; ++i) {
        std::string key = std::to_string(i);
        skip();
        if (c == '{') {
          key.clear();
          if (!string(key)) return false;
          skip();
          if (pos_ >= text_.size() || text_[pos_++] != ':') return false;
        }
        if (!value(path.empty() ? key : path + "/" + key)) return false;
        skip();
        if (pos_ >= text_.size()) return false;
        if (text_[pos_] == close) return ++pos_, true;
        if (text_[pos_++] != ',') return false;
      }
    }
    return false;
  }
  std::string_view text_;
  std::size_t pos_ = 0;
};

TEST(CdrSettings, LogDirFollowsModXmlCdr) {
  core::RealClock clock;
  core::LogBus log(clock);
  auto config = config_of(
      "<configuration name=\"xml_cdr.conf\"><settings>"
      "<param name=\"log-dir\" value=\"\"/><param name=\"log-b-leg\" value=\"false\"/>"
      "<param name=\"prefix-a-leg\" value=\"true\"/><param name=\"url\" value=\"http://x/\"/>"
      "</settings></configuration>"
      "<configuration name=\"json_cdr.conf\"><settings>"
      "<param name=\"log-dir\" value=\"cdrs/json\"/><param name=\"encode-values\" value=\"false\"/>"
      "</settings></configuration>");
  CdrSettings s = read_cdr_settings(*config, "/var/log/es", log);
  EXPECT_TRUE(s.xml.enabled);
  EXPECT_EQ(s.xml.dir, "/var/log/es/xml_cdr");
  EXPECT_FALSE(s.xml.log_b_leg);
  EXPECT_TRUE(s.xml.prefix_a_leg);
  EXPECT_TRUE(s.json.enabled);
  EXPECT_EQ(s.json.dir, "/var/log/es/cdrs/json");
  EXPECT_TRUE(s.json.log_b_leg);
  EXPECT_FALSE(s.json.encode_values);

  auto absolute = config_of(
      "<configuration name=\"xml_cdr.conf\"><settings><param name=\"log-dir\" value=\"/srv/cdr\"/>"
      "</settings></configuration>");
  s = read_cdr_settings(*absolute, "/var/log/es", log);
  EXPECT_EQ(s.xml.dir, "/srv/cdr");
  EXPECT_FALSE(s.json.enabled);
  // Without a log-dir param nothing goes to disk.
  auto none = config_of(
      "<configuration name=\"xml_cdr.conf\"><settings><param name=\"url\" value=\"http://x/\"/>"
      "</settings></configuration>");
  EXPECT_FALSE(read_cdr_settings(*none, "/var/log/es", log).any());
}

TEST(CdrSettings, FileNamesStayInLogDir) {
  EXPECT_EQ(cdr_file_name("a_", "0f1e-AB_c.d", "xml"), "a_0f1e-AB_c.d.cdr.xml");
  EXPECT_EQ(cdr_file_name("", "x", "json"), "x.cdr.json");
  for (const char* bad : {"", "../x", "a/b", ".hidden", "..", "a b", "x\n", "/etc/passwd"}) {
    EXPECT_EQ(cdr_file_name("", bad, "xml"), "") << bad;
  }
  EXPECT_EQ(cdr_file_name("", std::string(CdrWriter::kMaxUuidLength + 1, 'a'), "xml"), "");
  EXPECT_NE(cdr_file_name("", std::string(CdrWriter::kMaxUuidLength, 'a'), "xml"), "");
}

class CdrFilesTest : public SwitchFixture {
 protected:
  CdrFilesTest() {
    dir_ = fs::temp_directory_path() / ("es-cdr-" + core::make_uuid());
    fs::create_directories(dir_);
  }
  ~CdrFilesTest() override {
    // Sessions read the writer until their reporting state: they go before it does.
    switch_->hangup_all(16);
    eventually([&] { return switch_->count() == 0; }, std::chrono::seconds(5));
    switch_->cdr_writer.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void install(bool log_b_leg, bool prefix_a_leg) {
    CdrSettings settings;
    settings.xml = {true, (dir_ / "xml").string(), log_b_leg, prefix_a_leg, true};
    settings.json = {true, (dir_ / "json").string(), log_b_leg, prefix_a_leg, true};
    switch_->cdr_writer = std::make_shared<CdrWriter>(*runtime_, settings);
  }
  bool wait_file(const fs::path& path) {
    return eventually([&] { return fs::exists(path) && fs::file_size(path) > 0; });
  }
  fs::path dir_;
};

TEST_F(CdrFilesTest, XmlAndJsonRecordsCarryTheCallsTimesAndVariables) {
  install(true, true);
  const std::string uuid = core::make_uuid();
  ASSERT_EQ(api("originate", "{origination_uuid=" + uuid + ",cdr_note=a&b<c>\"}null/1000 &park()"),
            "+OK " + uuid + "\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  EXPECT_EQ(api("uuid_kill", uuid), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", uuid));
  const fs::path xml_path = dir_ / "xml" / ("a_" + uuid + ".cdr.xml");
  ASSERT_TRUE(wait_file(xml_path));
  const std::string text = read_file(xml_path);
  EXPECT_EQ(text.rfind("<?xml version=\"1.0\"?>\n<cdr core-uuid=\"", 0), 0u) << text;
  EXPECT_NE(text.find("\n  <channel_data>\n    <state>CS_REPORTING</state>\n"), std::string::npos)
      << text;

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(text.c_str())) << text;
  pugi::xml_node cdr = doc.child("cdr");
  EXPECT_EQ(std::string(cdr.attribute("core-uuid").value()), runtime_->identity().core_uuid);
  EXPECT_EQ(std::string(cdr.attribute("switchname").value()), runtime_->identity().switchname);
  EXPECT_STREQ(cdr.child("channel_data").child_value("direction"), "outbound");
  EXPECT_STREQ(cdr.child("channel_data").child_value("state_number"), "11");
  pugi::xml_node vars = cdr.child("variables");
  EXPECT_STREQ(vars.child_value("uuid"), uuid.c_str());
  EXPECT_STREQ(vars.child_value("cdr_note"), "a%26b%3Cc%3E%22");  // url-encoded, as FreeSWITCH
  EXPECT_STREQ(vars.child_value("hangup_cause"), "NORMAL_CLEARING");
  EXPECT_STREQ(cdr.child("app_log").child("application").attribute("app_name").value(), "park");
  pugi::xml_node flow = cdr.child("callflow");
  EXPECT_STREQ(flow.attribute("profile_index").value(), "1");
  EXPECT_STREQ(flow.child("caller_profile").child_value("destination_number"), "1000");
  EXPECT_STREQ(flow.child("caller_profile").child_value("chan_name"), "null/1000");
  pugi::xml_node times = flow.child("times");
  const long long created = std::atoll(times.child_value("created_time"));
  const long long answered = std::atoll(times.child_value("answered_time"));
  const long long hungup = std::atoll(times.child_value("hangup_time"));
  EXPECT_GT(created, 1600000000LL * 1000000);  // microseconds since the epoch
  EXPECT_GE(answered, created);
  EXPECT_GE(hungup, answered);
  EXPECT_STREQ(times.child_value("transfer_time"), "0");
  std::vector<std::string> time_names;
  for (pugi::xml_node t : times.children()) time_names.emplace_back(t.name());
  EXPECT_EQ(time_names,
            (std::vector<std::string>{"created_time", "profile_created_time", "progress_time",
                                      "progress_media_time", "answered_time", "bridged_time",
                                      "last_hold_time", "hold_accum_time", "hangup_time",
                                      "resurrect_time", "transfer_time"}));

  const fs::path json_path = dir_ / "json" / ("a_" + uuid + ".cdr.json");
  ASSERT_TRUE(wait_file(json_path));
  FlatJson json;
  const std::string json_text = read_file(json_path);
  ASSERT_TRUE(json.parse(json_text)) << json_text;
  EXPECT_EQ(json.leaves["core-uuid"], runtime_->identity().core_uuid);
  EXPECT_EQ(json.leaves["channel_data/state"], "CS_REPORTING");
  EXPECT_EQ(json.leaves["variables/cdr_note"], "a%26b%3Cc%3E%22");
  EXPECT_EQ(json.leaves["app_log/applications/0/app_name"], "park");
  EXPECT_EQ(json.leaves["callflow/0/caller_profile/destination_number"], "1000");
  EXPECT_EQ(std::atoll(json.leaves["callflow/0/times/answered_time"].c_str()), answered);
  EXPECT_EQ(std::atoll(json.leaves["callflow/0/times/hangup_time"].c_str()), hungup);
  EXPECT_EQ(switch_->cdr_writer->written(), 2u);
  EXPECT_EQ(switch_->cdr_writer->dropped(), 0u);
}

TEST_F(CdrFilesTest, BLegFollowsLogBLegAndShowsItsOriginator) {
  // A bridged-to leg has an originator: it is a B leg. log-b-leg=false leaves it out unless
  // force_process_cdr; its record has no a_ prefix and names the originator.
  install(false, true);
  for (bool forced : {false, true}) {
    const std::string uuid = core::make_uuid();
    const std::string b_uuid = core::make_uuid();
    std::string b_vars =
        "[origination_uuid=" + b_uuid + (forced ? ",force_process_cdr=true]" : "]");
    ASSERT_EQ(api("originate",
                  "{origination_uuid=" + uuid + "}null/1000 &bridge(" + b_vars + "null/2000)"),
              "+OK " + uuid + "\n");
    ASSERT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", uuid));
    EXPECT_EQ(api("uuid_kill", uuid), "+OK\n");
    ASSERT_TRUE(recorder_->wait_for("CHANNEL_DESTROY", uuid));
    ASSERT_TRUE(recorder_->wait_for("CHANNEL_DESTROY", b_uuid));
    ASSERT_TRUE(wait_file(dir_ / "xml" / ("a_" + uuid + ".cdr.xml")));
    const fs::path b_path = dir_ / "xml" / (b_uuid + ".cdr.xml");
    if (!forced) {
      switch_->cdr_writer.reset();  // drains the queue
      EXPECT_FALSE(fs::exists(b_path));
      EXPECT_FALSE(fs::exists(dir_ / "xml" / ("a_" + b_uuid + ".cdr.xml")));
      install(false, true);
      continue;
    }
    ASSERT_TRUE(wait_file(b_path));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file(b_path.c_str()));
    pugi::xml_node profile = doc.child("cdr").child("callflow").child("caller_profile");
    EXPECT_STREQ(profile.child("originator").child("originator_caller_profile").child_value("uuid"),
                 uuid.c_str());
  }
}

// Something planted under a record's name (a symbolic link out of log-dir, a FIFO that would
// block the writer) fails that record with an ERROR; the writer goes on with the next.
TEST_F(CdrFilesTest, PlantedLinkOrFifoFailsTheRecordWithoutBlockingTheWriter) {
  install(true, true);
  const std::string uuid = core::make_uuid();
  fs::create_directories(dir_ / "xml");
  fs::create_directories(dir_ / "json");
  fs::create_directories(dir_ / "outside");
  fs::create_symlink(dir_ / "outside" / "target", dir_ / "xml" / ("a_" + uuid + ".cdr.xml"));
  ASSERT_EQ(::mkfifo((dir_ / "json" / ("a_" + uuid + ".cdr.json")).c_str(), 0600), 0);
  ASSERT_EQ(api("originate", "{origination_uuid=" + uuid + "}null/1000 &park()"),
            "+OK " + uuid + "\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
  EXPECT_EQ(api("uuid_kill", uuid), "+OK\n");
  ASSERT_TRUE(eventually([&] { return switch_->cdr_writer->failed() == 2; }));
  EXPECT_FALSE(fs::exists(dir_ / "outside" / "target"));
  // The next call's records are written.
  const std::string next = core::make_uuid();
  ASSERT_EQ(api("originate", "{origination_uuid=" + next + "}null/1000 &park()"),
            "+OK " + next + "\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", next));
  EXPECT_EQ(api("uuid_kill", next), "+OK\n");
  EXPECT_TRUE(wait_file(dir_ / "json" / ("a_" + next + ".cdr.json")));
}

}  // namespace
}  // namespace es::sw::testing
