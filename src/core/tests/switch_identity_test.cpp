#include "core/switch_identity.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <set>
#include <source_location>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.hpp"

namespace es::core {
namespace {

constexpr std::int64_t kExampleEpochUs = 1741083630123456;  // 2025-03-04 10:20:30.123456 UTC

SwitchIdentity example_identity() {
  SwitchIdentity identity;
  identity.core_uuid = "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21";
  identity.hostname = "pbx1";
  identity.switchname = "pbx1";
  identity.ipv4 = "192.0.2.10";
  identity.ipv6 = "::1";
  return identity;
}

class UtcTimeZone : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* current = std::getenv("TZ");
    if (current) saved_ = current;
    had_tz_ = current != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", saved_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::string saved_;
  bool had_tz_ = false;
};

using EventFactoryTest = UtcTimeZone;

std::vector<std::string> names_of(const Event& event) {
  std::vector<std::string> names;
  for (const auto& header : event.headers()) names.push_back(header.name);
  return names;
}

void send_heartbeat_like(EventFactory& factory, Event& out, std::uint_least32_t& line) {
  const std::source_location here = std::source_location::current();
  out = factory.create(EventType::kHeartbeat, {}, here);
  line = here.line();
}

TEST_F(EventFactoryTest, StandardHeadersInFreeSwitchOrder) {
  const SwitchIdentity identity = example_identity();
  SimulatedClock clock(kExampleEpochUs);
  EventFactory factory(identity, clock);
  Event event(EventType::kClone);
  std::uint_least32_t line = 0;
  send_heartbeat_like(factory, event, line);
  EXPECT_EQ(names_of(event),
            (std::vector<std::string>{"Event-Name", "Core-UUID", "FreeSWITCH-Hostname",
                                      "FreeSWITCH-Switchname", "FreeSWITCH-IPv4", "FreeSWITCH-IPv6",
                                      "Event-Date-Local", "Event-Date-GMT", "Event-Date-Timestamp",
                                      "Event-Calling-File", "Event-Calling-Function",
                                      "Event-Calling-Line-Number", "Event-Sequence"}));
  EXPECT_EQ(*event.header("Event-Name"), "HEARTBEAT");
  EXPECT_EQ(*event.header("Core-UUID"), identity.core_uuid);
  EXPECT_EQ(*event.header("FreeSWITCH-IPv4"), "192.0.2.10");
  EXPECT_EQ(*event.header("FreeSWITCH-IPv6"), "::1");
  EXPECT_EQ(*event.header("Event-Date-Local"), "2025-03-04 10:20:30");
  EXPECT_EQ(*event.header("Event-Date-GMT"), "Tue, 04 Mar 2025 10:20:30 GMT");
  EXPECT_EQ(*event.header("Event-Date-Timestamp"), "1741083630123456");
  EXPECT_EQ(*event.header("Event-Calling-File"), "switch_identity_test.cpp");
  EXPECT_EQ(*event.header("Event-Calling-Function"), "send_heartbeat_like");
  EXPECT_EQ(*event.header("Event-Calling-Line-Number"), std::to_string(line));
  EXPECT_EQ(*event.header("Event-Sequence"), "1");
}

TEST_F(EventFactoryTest, EmptyIpv4IsOmittedAndSubclassComesLast) {
  SwitchIdentity identity = example_identity();
  identity.ipv4.clear();
  SimulatedClock clock(kExampleEpochUs);
  EventFactory factory(identity, clock);
  Event event = factory.create(EventType::kCustom, "loopback::bowout");
  EXPECT_EQ(event.header("FreeSWITCH-IPv4"), nullptr);
  EXPECT_EQ(event.headers().back().name, "Event-Subclass");
  EXPECT_EQ(event.headers().back().value, "loopback::bowout");
  EXPECT_EQ(event.subclass(), "loopback::bowout");
  EXPECT_EQ(event.headers().size(), 13u);
}

TEST_F(EventFactoryTest, CloneEventsGetNoStandardHeaders) {
  const SwitchIdentity identity = example_identity();
  SimulatedClock clock(kExampleEpochUs);
  EventFactory factory(identity, clock);
  EXPECT_TRUE(factory.create(EventType::kClone).headers().empty());
  EXPECT_EQ(factory.last_sequence(), 0u);
}

TEST_F(EventFactoryTest, PreparingTwiceAddsASecondSet) {
  const SwitchIdentity identity = example_identity();
  SimulatedClock clock(kExampleEpochUs);
  EventFactory factory(identity, clock);
  Event event = factory.create(EventType::kCommand);
  event.set_type(EventType::kPrivateCommand);
  factory.prepare(event);
  EXPECT_EQ(event.headers().size(), 26u);
  EXPECT_EQ(*event.header("Event-Name"), "COMMAND");  // the first one wins on lookup
  EXPECT_EQ(event.headers()[13].value, "PRIVATE_COMMAND");
  EXPECT_EQ(event.headers().back().value, "2");
}

TEST_F(EventFactoryTest, SequenceIsStrictlyIncreasingAcrossThreads) {
  const SwitchIdentity identity = example_identity();
  SimulatedClock clock(kExampleEpochUs);
  EventFactory factory(identity, clock);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::vector<std::vector<std::uint64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Event event = factory.create(EventType::kApi);
        seen[t].push_back(std::stoull(*event.header("Event-Sequence")));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::uint64_t> all;
  for (const auto& list : seen) {
    for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1], list[i]);
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(factory.last_sequence(), static_cast<std::uint64_t>(kThreads * kPerThread));
}

using DateFormat = UtcTimeZone;

TEST_F(DateFormat, LocalAndGmt) {
  EXPECT_EQ(format_local_date(kExampleEpochUs), "2025-03-04 10:20:30");
  EXPECT_EQ(format_gmt_date(kExampleEpochUs), "Tue, 04 Mar 2025 10:20:30 GMT");
  EXPECT_EQ(format_gmt_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_gmt_date(951782400LL * 1000000), "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST_F(DateFormat, LocalFollowsTimeZone) {
  setenv("TZ", "UTC-2", 1);  // POSIX sign: two hours east of UTC
  tzset();
  EXPECT_EQ(format_local_date(kExampleEpochUs), "2025-03-04 12:20:30");
  EXPECT_EQ(format_gmt_date(kExampleEpochUs), "Tue, 04 Mar 2025 10:20:30 GMT");
}

TEST(BareFunctionName, TakesTheIdentifierBeforeTheParameterList) {
  EXPECT_EQ(bare_function_name("es::core::Event es::core::make_event(int)"), "make_event");
  EXPECT_EQ(bare_function_name("void send_heartbeat()"), "send_heartbeat");
  EXPECT_EQ(bare_function_name("std::vector<std::pair<int, int> > ns::Cls<T>::run(int) const"),
            "run");
  EXPECT_EQ(bare_function_name("void es::{anonymous}::api_exec(es::Ctx&)"), "api_exec");
  EXPECT_EQ(bare_function_name("void es::(anonymous namespace)::api_exec(es::Ctx&)"), "api_exec");
  EXPECT_EQ(bare_function_name("es::X::run()::<lambda()>"), "run");
  EXPECT_EQ(bare_function_name("plain"), "plain");
}

TEST(FormatUptime, WorkedExample) {
  const std::int64_t elapsed = ((1 * 60 + 2) * 60 + 3) * 1000000LL + 456LL * 1000 + 789;
  EXPECT_EQ(format_uptime(elapsed),
            "0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 456 milliseconds, 789 microseconds");
}

TEST(FormatUptime, SingularOnlyForExactlyOne) {
  const std::int64_t day_us = 86400LL * 1000000;
  const std::int64_t elapsed = 366 * day_us + 1000000 + 1001;
  EXPECT_EQ(format_uptime(elapsed),
            "1 year, 1 day, 0 hours, 0 minutes, 1 second, 1 millisecond, 1 microsecond");
  EXPECT_EQ(format_uptime(0),
            "0 years, 0 days, 0 hours, 0 minutes, 0 seconds, 0 milliseconds, 0 microseconds");
  EXPECT_EQ(format_uptime(2LL * 365 * day_us + 23 * 3600LL * 1000000),
            "2 years, 0 days, 23 hours, 0 minutes, 0 seconds, 0 milliseconds, 0 microseconds");
}

TEST(SwitchIdentity, DetectFillsHostFacts) {
  SimulatedClock clock(kExampleEpochUs);
  const SwitchIdentity identity = SwitchIdentity::detect(clock);
  EXPECT_EQ(identity.core_uuid.size(), 36u);
  EXPECT_FALSE(identity.hostname.empty());
  EXPECT_EQ(identity.switchname, identity.hostname);
  EXPECT_FALSE(identity.ipv4.empty());
  EXPECT_NE(identity.ipv4.find('.'), std::string::npos);
  EXPECT_NE(identity.ipv6.find(':'), std::string::npos);
  EXPECT_EQ(identity.start_epoch_us, kExampleEpochUs);
}

TEST(Uuid, Version4LowercaseShape) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string uuid = make_uuid();
    ASSERT_EQ(uuid.size(), 36u);
    for (std::size_t p = 0; p < uuid.size(); ++p) {
      if (p == 8 || p == 13 || p == 18 || p == 23) {
        ASSERT_EQ(uuid[p], '-') << uuid;
      } else {
        ASSERT_TRUE((uuid[p] >= '0' && uuid[p] <= '9') || (uuid[p] >= 'a' && uuid[p] <= 'f'))
            << uuid;
      }
    }
    EXPECT_EQ(uuid[14], '4') << uuid;
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Clock, SimulatedMovesOnlyWhenAdvanced) {
  SimulatedClock clock(1000);
  EXPECT_EQ(clock.now_epoch_us(), 1000);
  EXPECT_EQ(clock.now_monotonic_us(), 0);
  clock.advance_us(250);
  EXPECT_EQ(clock.now_epoch_us(), 1250);
  EXPECT_EQ(clock.now_monotonic_us(), 250);
}

TEST(Clock, RealIsNearSystemTimeAndMonotonic) {
  RealClock clock;
  const std::int64_t now_s = static_cast<std::int64_t>(std::time(nullptr));
  EXPECT_NEAR(static_cast<double>(clock.now_epoch_us() / 1000000), static_cast<double>(now_s), 2.0);
  const std::int64_t a = clock.now_monotonic_us();
  const std::int64_t b = clock.now_monotonic_us();
  EXPECT_LE(a, b);
}

}  // namespace
}  // namespace es::core
