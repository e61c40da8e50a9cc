// The fixture of the media tests over loopback pairs: a scratch folder and helpers to follow
// both legs.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "switch/tests/media_test_signal.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {

class MediaAppsTest : public SwitchFixture {
 protected:
  MediaAppsTest() {
    char tmpl[] = "/tmp/es_media_XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~MediaAppsTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Digits toward the far end of `uuid` (the other loopback leg receives them).
  void send_dtmf(const std::string& uuid, const std::string& digits) {
    std::string reply = api("uuid_send_dtmf", uuid + " " + digits);
    EXPECT_EQ(reply.rfind("+OK", 0), 0u) << reply;
  }

  std::string file(const std::string& name) const { return dir_ + "/" + name; }

  // What happened to a channel, for failure messages: its events and any hangup cause.
  std::string history(const std::string& uuid) const {
    std::string out;
    for (const auto& e : recorder_->for_channel(uuid)) {
      out += header(e, "Event-Name");
      if (auto app = header(e, "Application"); !app.empty()) out += "(" + app + ")";
      if (auto cause = header(e, "Hangup-Cause"); !cause.empty()) out += "[" + cause + "]";
      out += ' ';
    }
    return out;
  }

  std::string other_leg(const std::string& uuid) {
    std::string other;
    EXPECT_TRUE(eventually([&] {
      other = api("uuid_getvar", uuid + " other_loopback_leg_uuid");
      return !other.empty() && other != "_undef_" && other.rfind("-ERR", 0) != 0;
    }));
    return other;
  }

  core::FiredEventPtr find_event(const std::string& uuid, const std::string& name,
                                 const std::string& app = {}) {
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") != name) continue;
      if (!app.empty() && header(e, "Application") != app) continue;
      return e;
    }
    return nullptr;
  }

  // Waits for the `times`-th completion of `app` on `uuid`.
  bool wait_for_app_done(const std::string& uuid, const std::string& app, int times = 1) {
    return recorder_->wait_until([&](const std::vector<core::FiredEventPtr>& events) {
      int seen = 0;
      for (const auto& e : events) {
        if (header(e, "Unique-ID") == uuid &&
            header(e, "Event-Name") == "CHANNEL_EXECUTE_COMPLETE" &&
            header(e, "Application") == app && ++seen == times)
          return true;
      }
      return false;
    });
  }

  std::string dir_;
};

}  // namespace es::sw::testing
