// The bridge application and uuid_bridge: events, pairing in show calls, after-bridge
// behaviour, failures, DTMF and audio crossing, reply texts (docs/call-behaviour.md §14,
// docs/event-formats.md §8.5).
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "switch/session/session.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

std::string uuid_of(const std::string& reply) {
  EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  return reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
}

// Counts frames whose first sample is `marker`.
class MarkedFrameCounter final : public FrameConsumer {
 public:
  explicit MarkedFrameCounter(std::int16_t marker) : marker_(marker) {}
  void consume(const media::Frame& frame) override {
    if (frame.samples[0] == marker_) count_.fetch_add(1);
  }
  int count() const { return count_.load(); }

 private:
  std::int16_t marker_;
  std::atomic<int> count_{0};
};

class BridgeTest : public SwitchFixture {
 protected:
  // The first event `name` of channel `uuid` (waits for it).
  core::FiredEventPtr first(const std::string& name, const std::string& uuid) {
    EXPECT_TRUE(recorder_->wait_for(name, uuid)) << name << " on " << uuid;
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") == name) return e;
    }
    return nullptr;
  }
  // Event names of `uuid` among `wanted`, in order.
  std::vector<std::string> sequence(const std::string& uuid,
                                    const std::vector<std::string>& wanted) {
    std::vector<std::string> out;
    for (const auto& n : names(recorder_->for_channel(uuid))) {
      if (std::find(wanted.begin(), wanted.end(), n) != wanted.end()) out.push_back(n);
    }
    return out;
  }
  // The B-leg uuid named by A's CHANNEL_BRIDGE.
  std::string bridged_peer(const std::string& a) {
    auto e = first("CHANNEL_BRIDGE", a);
    return e ? header(e, "Bridge-B-Unique-ID") : std::string();
  }
  std::string other_loopback_leg(const std::string& uuid) {
    std::string other;
    EXPECT_TRUE(eventually([&] {
      auto s = switch_->locate(uuid);
      if (s) other = s->variable("other_loopback_leg_uuid").value_or("");
      return !other.empty();
    }));
    return other;
  }
  bool row_pairs(const std::string& table, const std::string& a, const std::string& b) {
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(BridgeTest, BridgeAppBridgesPairsAndUnbridgesWhenTheBLegHangsUp) {
  std::string a = uuid_of(api("originate", "null/1 &bridge(null/2)"));
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  auto bridge = first("CHANNEL_BRIDGE", a);
  EXPECT_EQ(header(bridge, "Bridge-A-Unique-ID"), a);
  // Bridge-A/B come right before the channel data.
  const auto& headers = bridge->event().headers();
  std::size_t at = 0;
  while (at < headers.size() && headers[at].name != "Bridge-A-Unique-ID") ++at;
  ASSERT_LT(at + 2, headers.size());
  EXPECT_EQ(headers[at + 1].name, "Bridge-B-Unique-ID");
  EXPECT_EQ(headers[at + 2].name, "Channel-State");
  EXPECT_EQ(header(bridge, "Other-Type"), "originatee");
  EXPECT_EQ(header(bridge, "Other-Leg-Unique-ID"), b);
  EXPECT_NE(header(bridge, "Caller-Channel-Bridged-Time"), "0");

  ASSERT_TRUE(recorder_->wait_until([&](const auto& events) {
    for (const auto& e : events) {
      if (header(e, "Unique-ID") == b && header(e, "Channel-State") == "CS_EXCHANGE_MEDIA")
        return true;
    }
    return false;
  }));
  auto a_session = switch_->locate(a);
  auto b_session = switch_->locate(b);
  ASSERT_TRUE(a_session && b_session);
  EXPECT_EQ(a_session->partner_uuid(), b);
  EXPECT_EQ(b_session->partner_uuid(), a);
  EXPECT_EQ(b_session->variable("call_uuid"), a);
  EXPECT_EQ(a_session->variable("bridge_to"), b);
  EXPECT_EQ(b_session->variable("bridge_to"), a);
  EXPECT_EQ(a_session->variable("last_bridge_to"), b);
  EXPECT_EQ(a_session->variable("signal_bond"), b);
  EXPECT_EQ(b_session->variable("signal_bond"), a);
  EXPECT_EQ(b_session->variable("bridge_uuid"), a);
  EXPECT_TRUE(row_pairs(api("show", "calls"), a, b)) << api("show", "calls");
  // B never ran a dialplan.
  EXPECT_TRUE(sequence(b, {"CHANNEL_EXECUTE"}).empty());
  EXPECT_EQ(header(first("CHANNEL_CREATE", b), "Other-Type"), "originator");

  EXPECT_EQ(api("uuid_kill", b), "+OK\n");
  auto unbridge = first("CHANNEL_UNBRIDGE", a);
  ASSERT_TRUE(unbridge);
  EXPECT_EQ(header(unbridge, "Bridge-A-Unique-ID"), a);
  EXPECT_EQ(header(unbridge, "Bridge-B-Unique-ID"), b);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", a));
  // The dialplan went on after the bridge, found nothing more and hung up.
  EXPECT_EQ(sequence(a, {"CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_EXECUTE_COMPLETE",
                         "CHANNEL_HANGUP"}),
            (std::vector<std::string>{"CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE",
                                      "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP"}));
  auto hangup = first("CHANNEL_HANGUP", a);
  EXPECT_EQ(header(hangup, "Hangup-Cause"), "NORMAL_CLEARING");
  EXPECT_EQ(header(hangup, "variable_bridge_hangup_cause"), "NORMAL_CLEARING");
  EXPECT_EQ(header(hangup, "variable_last_bridge_to"), b);
  EXPECT_EQ(header(hangup, "variable_bridge_to"), "");
}

TEST_F(BridgeTest, HangupAfterBridgeHangsTheCallerUpWithTheBLegCause) {
  std::string a = uuid_of(api("originate", "{hangup_after_bridge=true}null/1 &bridge(null/2)"));
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(api("uuid_kill", b + " USER_BUSY"), "+OK\n");
  auto hangup = first("CHANNEL_HANGUP", a);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(header(hangup, "Hangup-Cause"), "USER_BUSY");
}

TEST_F(BridgeTest, DialplanContinuesAfterTheBridge) {
  std::string a = uuid_of(api("originate", "null/1 bridge:null/2,park inline"));
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(api("uuid_kill", b), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a));
  EXPECT_EQ(sequence(a, {"CHANNEL_UNBRIDGE", "CHANNEL_PARK"}),
            (std::vector<std::string>{"CHANNEL_UNBRIDGE", "CHANNEL_PARK"}));
  EXPECT_EQ(api("uuid_kill", a), "+OK\n");
}

TEST_F(BridgeTest, CallerHangupHangsUpTheBLegWithItsCause) {
  std::string a = uuid_of(api("originate", "null/1 &bridge(null/2)"));
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(api("uuid_kill", a + " CALL_REJECTED"), "+OK\n");
  auto hangup = first("CHANNEL_HANGUP", b);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(header(hangup, "Hangup-Cause"), "CALL_REJECTED");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", a));
}

TEST_F(BridgeTest, ParkingTheBLegEndsTheBridge) {
  std::string a = uuid_of(api("originate", "null/1 &bridge(null/2)"));
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  ASSERT_TRUE(eventually([&] {
    auto s = switch_->locate(b);
    return s && s->running_state() == ChannelState::kExchangeMedia;
  }));
  EXPECT_EQ(api("uuid_park", b), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", b));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", a));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", a));
  auto s = switch_->locate(b);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->up());
  EXPECT_EQ(s->partner_uuid(), "");
  EXPECT_EQ(s->variable("call_uuid"), b);
  EXPECT_EQ(api("uuid_kill", b), "+OK\n");
}

TEST_F(BridgeTest, ParkAfterBridgeParksTheCaller) {
  std::string a = uuid_of(api("originate", "{park_after_bridge=true}null/1 &bridge(null/2)"));
  std::string b = bridged_peer(a);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(api("uuid_kill", b), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a));
  auto s = switch_->locate(a);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->up());
  EXPECT_EQ(api("uuid_kill", a), "+OK\n");
}

TEST_F(BridgeTest, FailedBridgeHangsTheCallerUpWithTheCause) {
  std::string a = uuid_of(api("originate", "null/1 bridge:error/user_busy,park inline"));
  auto hangup = first("CHANNEL_HANGUP", a);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(header(hangup, "Hangup-Cause"), "USER_BUSY");
  EXPECT_EQ(header(hangup, "variable_originate_failed_cause"), "USER_BUSY");
  EXPECT_TRUE(sequence(a, {"CHANNEL_PARK", "CHANNEL_BRIDGE"}).empty());
}

TEST_F(BridgeTest, ContinueOnFailKeepsTheCaller) {
  std::string a =
      uuid_of(api("originate", "{continue_on_fail=true}null/1 bridge:error/user_busy,park inline"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a));
  auto s = switch_->locate(a);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->variable("originate_failed_cause"), "USER_BUSY");
  EXPECT_EQ(api("uuid_kill", a), "+OK\n");
}

TEST_F(BridgeTest, ContinueOnFailListAndFailureCauses) {
  // A listed cause (by number) continues.
  std::string a2 =
      uuid_of(api("originate", "{continue_on_fail=17}null/1 bridge:error/user_busy,park inline"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a2));
  EXPECT_EQ(api("uuid_kill", a2), "+OK\n");
  // failure_causes names the causes that fail; others continue.
  std::string a3 = uuid_of(
      api("originate", "{failure_causes=CALL_REJECTED}null/1 bridge:error/user_busy,park inline"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a3));
  EXPECT_EQ(api("uuid_kill", a3), "+OK\n");
  std::string a4 = uuid_of(
      api("originate", "{failure_causes=USER_BUSY}null/1 bridge:error/user_busy,park inline"));
  EXPECT_EQ(header(first("CHANNEL_HANGUP", a4), "Hangup-Cause"), "USER_BUSY");
  // NO_ANSWER continues when neither variable is set.
  std::string a5 = uuid_of(api("originate", "null/1 bridge:error/no_answer,park inline"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", a5));
  EXPECT_EQ(api("uuid_kill", a5), "+OK\n");
}

TEST_F(BridgeTest, TransferOnFailTransfersToTheCauseName) {
  std::string a =
      uuid_of(api("originate", "{transfer_on_fail=USER_BUSY}null/1 &bridge(error/user_busy)"));
  auto hangup = first("CHANNEL_HANGUP", a);
  ASSERT_TRUE(hangup);
  EXPECT_NE(header(hangup, "variable_transfer_source").find(":bl_xfer:USER_BUSY/"),
            std::string::npos);
  EXPECT_NE(header(hangup, "Hangup-Cause"), "USER_BUSY");
}

TEST_F(BridgeTest, DtmfAndAudioCrossABridgeOfTwoLoopbackPairs) {
  const std::string pair = "loopback/m:^:answer^park/default/inline";
  std::string a1 = uuid_of(api("originate", pair + " &bridge(" + pair + ")"));
  std::string a2 = bridged_peer(a1);
  ASSERT_FALSE(a2.empty());
  std::string b1 = other_loopback_leg(a1);
  std::string b2 = other_loopback_leg(a2);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", b1));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", b2));
  ASSERT_TRUE(eventually([&] {
    auto s = switch_->locate(a2);
    return s && s->state() == ChannelState::kExchangeMedia;
  }));

  EXPECT_EQ(api("uuid_send_dtmf", b1 + " 5"), "+OK " + b1 + " sent DTMF 5.\n");
  auto dtmf = first("DTMF", b2);
  ASSERT_TRUE(dtmf);
  EXPECT_EQ(header(dtmf, "DTMF-Digit"), "5");
  EXPECT_EQ(header(first("DTMF", a1), "DTMF-Digit"), "5");

  auto s_b1 = switch_->locate(b1);
  auto s_b2 = switch_->locate(b2);
  ASSERT_TRUE(s_b1 && s_b2);
  auto at_b2 = std::make_shared<MarkedFrameCounter>(1234);
  auto at_b1 = std::make_shared<MarkedFrameCounter>(4321);
  s_b2->add_frame_consumer(at_b2);
  s_b1->add_frame_consumer(at_b1);
  media::Frame forward;
  forward.samples[0] = 1234;
  media::Frame backward;
  backward.samples[0] = 4321;
  for (int i = 0; i < 3; ++i) s_b1->write_frame(forward);
  s_b2->write_frame(backward);
  EXPECT_EQ(at_b2->count(), 3);
  EXPECT_EQ(at_b1->count(), 1);

  // Hanging up one end tears the whole chain down.
  EXPECT_EQ(api("uuid_kill", b1), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", a1));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", b2));
  // No audio crosses once unbridged.
  EXPECT_EQ(at_b2->count(), 3);
}

TEST_F(BridgeTest, UuidBridgeJoinsTwoParkedLegs) {
  std::string u1 = uuid_of(api("originate", "null/1 &park()"));
  std::string u2 = uuid_of(api("originate", "null/2 &park()"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", u1));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", u2));
  EXPECT_EQ(api("uuid_bridge", u1 + " " + u2), "+OK " + u2 + "\n");
  auto bridge = first("CHANNEL_BRIDGE", u1);
  ASSERT_TRUE(bridge);
  EXPECT_EQ(header(bridge, "Bridge-A-Unique-ID"), u1);
  EXPECT_EQ(header(bridge, "Bridge-B-Unique-ID"), u2);
  EXPECT_EQ(header(bridge, "Channel-State"), "CS_EXCHANGE_MEDIA");
  // As FreeSWITCH, each leg shows an execute record of the bridge.
  for (const auto& [leg, other] : {std::pair{u1, u2}, std::pair{u2, u1}}) {
    bool found = false;
    for (const auto& e : recorder_->for_channel(leg)) {
      found |= header(e, "Event-Name") == "CHANNEL_EXECUTE" &&
               header(e, "Application") == "uuid_bridge" && header(e, "Application-Data") == other;
    }
    EXPECT_TRUE(found) << leg;
  }
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_UNPARK", u1));
  EXPECT_TRUE(recorder_->wait_for("CHANNEL_UNPARK", u2));
  EXPECT_TRUE(row_pairs(api("show", "calls"), u1, u2)) << api("show", "calls");
  auto s1 = switch_->locate(u1);
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->partner_uuid(), u2);

  EXPECT_EQ(api("uuid_kill", u2 + " USER_BUSY"), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", u1));
  auto hangup = first("CHANNEL_HANGUP", u1);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(header(hangup, "Hangup-Cause"), "USER_BUSY");
  EXPECT_EQ(sequence(u1, {"CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_HANGUP"}),
            (std::vector<std::string>{"CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_HANGUP"}));
}

TEST_F(BridgeTest, UuidBridgeParkAfterBridgeKeepsTheSurvivor) {
  std::string u1 = uuid_of(api("originate", "{park_after_bridge=true}null/1 &park()"));
  std::string u2 = uuid_of(api("originate", "null/2 &park()"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", u1));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", u2));
  EXPECT_EQ(api("uuid_bridge", u2 + " " + u1), "+OK " + u1 + "\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", u2));
  EXPECT_EQ(api("uuid_kill", u2), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_UNBRIDGE", u2));
  ASSERT_TRUE(recorder_->wait_until([&](const auto& events) {
    int parks = 0;
    for (const auto& e : events) {
      parks += header(e, "Unique-ID") == u1 && header(e, "Event-Name") == "CHANNEL_PARK";
    }
    return parks == 2;
  }));
  auto s1 = switch_->locate(u1);
  ASSERT_TRUE(s1);
  EXPECT_TRUE(s1->up());
  EXPECT_EQ(s1->partner_uuid(), "");
  EXPECT_EQ(api("uuid_kill", u1), "+OK\n");
}

TEST_F(BridgeTest, UuidBridgeReplyTexts) {
  EXPECT_EQ(api("uuid_bridge", ""), "-USAGE: <uuid> <other_uuid>\n");
  EXPECT_EQ(api("uuid_bridge", "only-one"), "-USAGE: <uuid> <other_uuid>\n");
  EXPECT_EQ(api("uuid_bridge", "nope1 nope2"), "-ERR Invalid uuid\n");
  std::string u1 = uuid_of(api("originate", "null/1 &park()"));
  std::string u3 = uuid_of(api("originate", "null/3 &park()"));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", u1));
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_PARK", u3));
  EXPECT_EQ(api("uuid_bridge", u1 + " nope"), "-ERR Invalid uuid\n");
  // The third word is the fallback when the second cannot be bridged.
  EXPECT_EQ(api("uuid_bridge", u1 + " nope " + u3), "+OK " + u3 + "\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", u1));
  EXPECT_EQ(api("uuid_kill", u1), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP_COMPLETE", u3));
}

}  // namespace
}  // namespace es::sw::testing
