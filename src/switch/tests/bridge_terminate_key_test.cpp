// bridge_terminate_key (mod_dptools' bridge, docs/channel-hooks.md): a digit of the key
// received on either leg ends the bridge; other digits cross as before.
#include <gtest/gtest.h>

#include <thread>

#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

class BridgeTerminateKeyTest : public SwitchFixture {
 protected:
  std::string bridged_peer(const std::string& a) {
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", a));
    for (const auto& e : recorder_->for_channel(a)) {
      if (header(e, "Event-Name") == "CHANNEL_BRIDGE") return header(e, "Bridge-B-Unique-ID");
    }
    return {};
  }
  bool unbridged(const std::string& a) {
    for (const auto& e : recorder_->for_channel(a)) {
      if (header(e, "Event-Name") == "CHANNEL_UNBRIDGE") return true;
    }
    return false;
  }
  std::string start(const std::string& dial) {
    std::string reply = api("originate", dial);
    EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
    return reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
  }
};

TEST_F(BridgeTerminateKeyTest, CallersKeyEndsTheBridgeAndTheDialplanGoesOn) {
  std::string a = start("{bridge_terminate_key=#}null/1 bridge:null/2,park inline");
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(api("uuid_recv_dtmf", a + " 1"), "+OK " + a + " received DTMF 1.\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(unbridged(a));  // another digit (taken synchronously) crosses; the bridge stays
  EXPECT_EQ(api("uuid_recv_dtmf", a + " #"), "+OK " + a + " received DTMF #.\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", a));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a));  // the next dialplan action
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", b));
  EXPECT_EQ(api("uuid_kill", a), "+OK\n");
}

TEST_F(BridgeTerminateKeyTest, CalleesKeyEndsTheBridgeToo) {
  std::string a = start("null/1 bridge:[bridge_terminate_key=*0]null/2,park inline");
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(api("uuid_recv_dtmf", a + " 0"),
            "+OK " + a + " received DTMF 0.\n");  // only the B leg has keys
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(unbridged(a));
  EXPECT_EQ(api("uuid_recv_dtmf", b + " 0"), "+OK " + b + " received DTMF 0.\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", a));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a));
  EXPECT_EQ(api("uuid_kill", a), "+OK\n");
}

// CHANNEL_BRIDGE / CHANNEL_UNBRIDGE carry Bridge-B-PD-<name> for each variable the B leg names
// in presence_data_cols (switch_event_add_presence_data_cols).
TEST_F(BridgeTerminateKeyTest, BridgeEventsCarryTheBLegsPresenceDataCols) {
  std::string a =
      start("null/1 &bridge([presence_data_cols=pd_x:pd_missing:pd_y,pd_x=1,pd_y=two]null/2)");
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(api("uuid_kill", b), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", a));
  for (const auto& e : recorder_->for_channel(a)) {
    std::string name = header(e, "Event-Name");
    if (name != "CHANNEL_BRIDGE" && name != "CHANNEL_UNBRIDGE") continue;
    std::vector<std::string> pd;
    for (const auto& h : e->event().headers()) {
      if (h.name.rfind("Bridge-B-PD-", 0) == 0) pd.push_back(h.name + "=" + h.value);
    }
    EXPECT_EQ(pd, (std::vector<std::string>{"Bridge-B-PD-pd_x=1", "Bridge-B-PD-pd_y=two"})) << name;
  }
}

}  // namespace
}  // namespace es::sw::testing
