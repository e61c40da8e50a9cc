// The scheduler on simulated time: sched_* API commands and applications, their replies, the
// ADD/RE/DEL_SCHEDULE events, and SESSION_HEARTBEAT.
#include <gtest/gtest.h>

#include "switch/scheduler.hpp"
#include "switch/session/session.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

constexpr std::int64_t kStart = 1700000000;  // the fixture's simulated epoch seconds

std::string uuid_of(const std::string& reply) {
  EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  return reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
}

class SchedTest : public SwitchFixture {
 protected:
  SchedTest() : SwitchFixture(true) {}

  std::string parked_leg() {
    std::string uuid = uuid_of(api("originate", "null/1 &park"));
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
    return uuid;
  }
  std::vector<core::FiredEventPtr> named(const std::string& name) {
    std::vector<core::FiredEventPtr> out;
    for (const auto& e : recorder_->all()) {
      if (header(e, "Event-Name") == name) out.push_back(e);
    }
    return out;
  }
  std::vector<core::FiredEventPtr> task_events(const std::string& name, const std::string& id) {
    std::vector<core::FiredEventPtr> out;
    for (const auto& e : named(name)) {
      if (header(e, "Task-ID") == id) out.push_back(e);
    }
    return out;
  }
  std::size_t count(const std::string& name, const std::string& uuid) {
    std::size_t n = 0;
    for (const auto& e : recorder_->for_channel(uuid)) n += header(e, "Event-Name") == name;
    return n;
  }
  std::optional<std::string> var(const std::string& uuid, const std::string& name) {
    auto s = switch_->find(uuid);
    return s ? s->variable(name) : std::nullopt;
  }
  bool hung_up_with(const std::string& uuid, const std::string& cause) {
    if (!recorder_->wait_for("CHANNEL_HANGUP", uuid)) return false;
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") == "CHANNEL_HANGUP") return header(e, "Hangup-Cause") == cause;
    }
    return false;
  }
  static std::string added_id(const std::string& reply) {
    EXPECT_EQ(reply.rfind("+OK Added: ", 0), 0u) << reply;
    return reply.size() > 12 ? reply.substr(11, reply.size() - 12) : std::string();
  }
};

TEST_F(SchedTest, SchedApiRunsTheCommandWhenItsSecondComes) {
  std::string uuid = parked_leg();
  const std::string usage =
      "-ERR Invalid syntax. USAGE: [+@]<time> <group_name> <command_string>[&]\n";
  EXPECT_EQ(api("sched_api", ""), usage);
  EXPECT_EQ(api("sched_api", "+1 group"), usage);

  std::string id = added_id(api("sched_api", "+2 mygroup uuid_setvar " + uuid + " k v w"));
  auto added = task_events("ADD_SCHEDULE", id);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(header(added[0], "Task-Desc"), "sched_api_function");
  EXPECT_EQ(header(added[0], "Task-Group"), "mygroup");
  EXPECT_EQ(header(added[0], "Task-Runtime"), std::to_string(kStart + 2));

  advance_ms(1999);
  EXPECT_FALSE(var(uuid, "k"));
  advance_ms(1);
  EXPECT_EQ(var(uuid, "k"), "v w");
  auto deleted = task_events("DEL_SCHEDULE", id);
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(header(deleted[0], "Task-Group"), "mygroup");
  EXPECT_TRUE(task_events("RE_SCHEDULE", id).empty());

  // Ids count up; "&" runs the command off the scheduler's thread.
  std::string next = added_id(api("sched_api", "+1 other uuid_setvar " + uuid + " bg 1&"));
  EXPECT_EQ(std::stoul(next), std::stoul(id) + 1);
  advance_ms(1000);
  EXPECT_TRUE(eventually([&] { return var(uuid, "bg") == "1"; }));
}

TEST_F(SchedTest, RecurringTasksRescheduleUntilDeleted) {
  std::string uuid = parked_leg();
  std::string id = added_id(api("sched_api", "@2 beat uuid_setvar " + uuid + " tick yes"));
  advance_ms(2000);
  EXPECT_EQ(var(uuid, "tick"), "yes");
  auto re = task_events("RE_SCHEDULE", id);
  ASSERT_EQ(re.size(), 1u);
  EXPECT_EQ(header(re[0], "Task-Runtime"), std::to_string(kStart + 4));
  EXPECT_EQ(api("uuid_setvar", uuid + " tick"), "+OK\n");
  advance_ms(2000);
  EXPECT_EQ(var(uuid, "tick"), "yes");
  EXPECT_EQ(task_events("RE_SCHEDULE", id).size(), 2u);

  EXPECT_EQ(api("sched_del", "beat"), "+OK Deleted: 1\n");
  EXPECT_EQ(task_events("DEL_SCHEDULE", id).size(), 1u);
  EXPECT_EQ(api("sched_del", "beat"), "+OK Deleted: 0\n");
  EXPECT_EQ(api("sched_del", ""), "+OK Deleted: 0\n");
  EXPECT_EQ(api("uuid_setvar", uuid + " tick"), "+OK\n");
  advance_ms(4000);
  EXPECT_FALSE(var(uuid, "tick"));

  // A time already in the past is a repeat interval (switch_scheduler_add_task).
  std::string repeating = added_id(api("sched_api", "3 rep uuid_setvar " + uuid + " r 1"));
  EXPECT_EQ(header(task_events("ADD_SCHEDULE", repeating).front(), "Task-Runtime"),
            std::to_string(kStart + 8 + 3));
  advance_ms(3000);
  EXPECT_EQ(task_events("RE_SCHEDULE", repeating).size(), 1u);
  EXPECT_EQ(api("sched_del", repeating), "+OK Deleted: 1\n");
}

TEST_F(SchedTest, UnschedApi) {
  std::string id = added_id(api("sched_api", "+60 g1 status"));
  EXPECT_EQ(api("unsched_api", id), "+OK\n");
  EXPECT_EQ(api("unsched_api", id), "-ERR No such id\n");
  EXPECT_EQ(api("unsched_api", ""), "");
  EXPECT_EQ(task_events("DEL_SCHEDULE", id).size(), 1u);
}

TEST_F(SchedTest, SchedHangup) {
  EXPECT_EQ(api("sched_hangup", ""), "-USAGE: [+]<time> <uuid> [<cause>]\n");
  EXPECT_EQ(api("sched_hangup", "+5 no-such-uuid"), "-ERR No such channel!\n");
  std::string uuid = parked_leg();
  EXPECT_EQ(api("sched_hangup", "+5 " + uuid), "+OK\n");
  auto added = named("ADD_SCHEDULE");
  ASSERT_FALSE(added.empty());
  EXPECT_EQ(header(added.back(), "Task-Desc"), "switch_ivr_schedule_hangup");
  EXPECT_EQ(header(added.back(), "Task-Group"), uuid);
  advance_ms(4999);
  EXPECT_TRUE(switch_->locate(uuid));
  advance_ms(1);
  EXPECT_TRUE(hung_up_with(uuid, "ALLOTTED_TIMEOUT"));

  std::string now = parked_leg();
  EXPECT_EQ(api("sched_hangup", "+0 " + now + " user_busy"), "+OK\n");
  EXPECT_TRUE(hung_up_with(now, "USER_BUSY"));
}

TEST_F(SchedTest, SchedTransfer) {
  const std::string usage = "-USAGE: [+]<time> <uuid> <extension> [<dialplan>] [<context>]\n";
  EXPECT_EQ(api("sched_transfer", ""), usage);
  EXPECT_EQ(api("sched_transfer", "+1"), usage);
  EXPECT_EQ(api("sched_transfer", "+1 a b c d e"), usage);
  EXPECT_EQ(api("sched_transfer", "+1 no-such-uuid 1000"), "-ERR No such channel!\n");
  std::string uuid = parked_leg();
  EXPECT_EQ(api("sched_transfer", "+1 " + uuid + " 'set:t=1,park' inline"), "+OK\n");
  advance_ms(999);
  EXPECT_FALSE(var(uuid, "t"));
  advance_ms(1);
  EXPECT_TRUE(eventually([&] { return var(uuid, "t") == "1"; }));
}

TEST_F(SchedTest, SchedBroadcast) {
  const std::string usage = "-USAGE: [[+]<time>|@time] <uuid> <path> [aleg|bleg|both]\n";
  EXPECT_EQ(api("sched_broadcast", ""), usage);
  EXPECT_EQ(api("sched_broadcast", "+1 uuid"), usage);
  EXPECT_EQ(api("sched_broadcast", "+1 no-such-uuid set::a=1"), "+OK Message scheduled\n");
  std::string uuid = parked_leg();
  EXPECT_EQ(api("sched_broadcast", "+2 " + uuid + " set::b=1"), "+OK Message scheduled\n");
  advance_ms(1000);
  EXPECT_FALSE(var(uuid, "b"));
  advance_ms(1000);
  EXPECT_TRUE(eventually([&] { return var(uuid, "b") == "1"; }));
}

TEST_F(SchedTest, ApplicationsSetLastSchedIdAndSchedCancelRemovesTheirTasks) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_broadcast", uuid + " 'sched_transfer::+3 set:st=1,park inline'"),
            "+OK Message sent\n");
  ASSERT_TRUE(eventually([&] { return var(uuid, "last_sched_id").has_value(); }));
  std::string id = *var(uuid, "last_sched_id");
  auto added = task_events("ADD_SCHEDULE", id);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(header(added[0], "Task-Desc"), "switch_ivr_schedule_transfer");
  EXPECT_EQ(header(added[0], "Task-Group"), uuid);

  // sched_cancel without an argument cancels the channel's own group.
  EXPECT_EQ(api("uuid_broadcast", uuid + " sched_cancel::"), "+OK Message sent\n");
  EXPECT_TRUE(eventually([&] { return task_events("DEL_SCHEDULE", id).size() == 1; }));
  advance_ms(3000);
  EXPECT_FALSE(var(uuid, "st"));

  EXPECT_EQ(api("uuid_broadcast", uuid + " 'sched_broadcast::+1 set::sb=1'"), "+OK Message sent\n");
  ASSERT_TRUE(eventually([&] { return var(uuid, "last_sched_id") != id; }));
  std::string broadcast_id = *var(uuid, "last_sched_id");
  EXPECT_EQ(header(task_events("ADD_SCHEDULE", broadcast_id).front(), "Task-Desc"),
            "switch_ivr_schedule_broadcast");
  advance_ms(1000);
  EXPECT_TRUE(eventually([&] { return var(uuid, "sb") == "1"; }));

  // sched_cancel <id> removes one task.
  EXPECT_EQ(api("uuid_broadcast", uuid + " 'sched_transfer::+5 set:x=1,park inline'"),
            "+OK Message sent\n");
  ASSERT_TRUE(eventually([&] { return var(uuid, "last_sched_id") != broadcast_id; }));
  std::string third = *var(uuid, "last_sched_id");
  EXPECT_EQ(api("uuid_broadcast", uuid + " sched_cancel::" + third), "+OK Message sent\n");
  EXPECT_TRUE(eventually([&] { return task_events("DEL_SCHEDULE", third).size() == 1; }));

  EXPECT_EQ(api("uuid_broadcast", uuid + " 'sched_hangup::+2 user_busy'"), "+OK Message sent\n");
  EXPECT_TRUE(eventually([&] { return named("ADD_SCHEDULE").size() == 4; }));
  advance_ms(2000);
  EXPECT_TRUE(hung_up_with(uuid, "USER_BUSY"));
}

TEST_F(SchedTest, MediaHeartbeatFiresOnTheSwitchClock) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_broadcast", uuid + " enable_heartbeat::2"), "+OK Message sent\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_EXECUTE_COMPLETE", uuid));
  advance_ms(1999);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 0u);
  advance_ms(1);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 1u);
  advance_ms(2000);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 2u);
  // A media heartbeat uses no scheduler task.
  EXPECT_TRUE(named("ADD_SCHEDULE").empty());

  EXPECT_EQ(api("uuid_session_heartbeat", uuid + " 0"), "+OK\n");
  advance_ms(6000);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 2u);

  EXPECT_EQ(api("uuid_session_heartbeat", uuid + " 1"), "+OK\n");
  advance_ms(1000);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 3u);
}

TEST_F(SchedTest, ScheduledHeartbeatUsesATaskInTheChannelGroup) {
  std::string uuid = parked_leg();
  EXPECT_EQ(api("uuid_setvar", uuid + " heartbeat_use_scheduler true"), "+OK\n");
  EXPECT_EQ(api("uuid_session_heartbeat", uuid + " 3"), "+OK\n");
  auto added = named("ADD_SCHEDULE");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(header(added[0], "Task-Desc"), "switch_core_session_sched_heartbeat");
  EXPECT_EQ(header(added[0], "Task-Group"), uuid);
  EXPECT_EQ(header(added[0], "Task-Runtime"), std::to_string(kStart + 3));
  advance_ms(3000);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 1u);
  auto re = named("RE_SCHEDULE");
  ASSERT_EQ(re.size(), 1u);
  EXPECT_EQ(header(re[0], "Task-Runtime"), std::to_string(kStart + 6));
  advance_ms(3000);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 2u);

  // "sched" reuses the interval set before; 0 disables and deletes the task.
  EXPECT_EQ(api("uuid_session_heartbeat", uuid + " sched 9"), "+OK\n");
  EXPECT_EQ(header(named("ADD_SCHEDULE").back(), "Task-Runtime"), std::to_string(kStart + 9));
  EXPECT_EQ(api("uuid_session_heartbeat", uuid + " 0"), "+OK\n");
  EXPECT_EQ(named("DEL_SCHEDULE").size(), 2u);
  advance_ms(6000);
  EXPECT_EQ(count("SESSION_HEARTBEAT", uuid), 2u);
}

}  // namespace
}  // namespace es::sw::testing
