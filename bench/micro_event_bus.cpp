// Micro-benchmark of core::EventBus::fire: fan-out to N subscribers that only count (the cost
// of the bus itself), and the same with one subscriber whose regular-expression filter is
// costly, checked either inside delivery (under the dispatch lock) or in precheck (outside
// it). With two firing threads the second form lets them run their filters side by side.
// BM_FanoutJson: N subscribers that each take the JSON frame (serialized once, then shared).
#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/event_bus.hpp"
#include "core/regex.hpp"

namespace {

using es::core::EventBus;
using es::core::FiredEvent;
using es::core::FiredEventPtr;

class Counter : public es::core::EventSubscriber {
 public:
  using es::core::EventSubscriber::on_event;
  void on_event(const FiredEventPtr&) override { count.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<std::uint64_t> count{0};
};

// Takes the event's JSON frame, as a socket subscriber does: the first serializes, the rest
// share the cached bytes.
class JsonTaker : public es::core::EventSubscriber {
 public:
  using es::core::EventSubscriber::on_event;
  void on_event(const FiredEventPtr& event) override {
    bytes.fetch_add(event->frame(es::protocol::EventFormat::kJson).size(),
                    std::memory_order_relaxed);
  }
  std::atomic<std::uint64_t> bytes{0};
};

// Matches a header against a pattern that backtracks over it (tens of microseconds).
class RegexFiltered : public es::core::EventSubscriber {
 public:
  using es::core::EventSubscriber::on_event;
  explicit RegexFiltered(bool in_precheck) : in_precheck_(in_precheck) {}
  std::uint64_t precheck(const FiredEvent& fired) override {
    return in_precheck_ ? (check(fired) ? 2 : 1) : 0;
  }
  void on_event(const FiredEventPtr& event) override { on_event(event, 0); }
  void on_event(const FiredEventPtr& event, std::uint64_t token) override {
    bool pass = token != 0 ? token == 2 : check(*event);
    if (pass) count.fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<std::uint64_t> count{0};

 private:
  bool check(const FiredEvent& fired) {
    thread_local es::core::Regex regex("^(a|aa)*$");
    const std::string* value = fired.event().header("X-Value");
    return value && regex.matches(*value);
  }
  bool in_precheck_;
};

struct Setup {
  EventBus bus;
  std::vector<std::shared_ptr<es::core::EventSubscriber>> subscribers;
};

// One bus per benchmark run, shared by its threads.
Setup* shared_setup = nullptr;

void prepare(benchmark::State& state, int plain, int filtered, bool in_precheck, int json = 0) {
  if (state.thread_index() != 0) return;
  shared_setup = new Setup;
  for (int i = 0; i < plain; ++i) {
    auto counter = std::make_shared<Counter>();
    shared_setup->bus.subscribe(counter);
    shared_setup->subscribers.push_back(counter);
  }
  for (int i = 0; i < json; ++i) {
    auto taker = std::make_shared<JsonTaker>();
    shared_setup->bus.subscribe(taker);
    shared_setup->subscribers.push_back(taker);
  }
  for (int i = 0; i < filtered; ++i) {
    auto subscriber = std::make_shared<RegexFiltered>(in_precheck);
    auto id = shared_setup->bus.subscribe(subscriber);
    shared_setup->bus.set_precheck(id, in_precheck);
    shared_setup->subscribers.push_back(subscriber);
  }
}

void fire_loop(benchmark::State& state, int plain, int filtered, bool in_precheck, int json = 0) {
  prepare(state, plain, filtered, in_precheck, json);
  const std::string value = std::string(14, 'a') + "b";
  for (auto _ : state) {
    es::core::Event event(es::core::EventType::kCustom);
    event.add_header("X-Value", value);
    benchmark::DoNotOptimize(shared_setup->bus.fire(std::move(event)));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete shared_setup;
    shared_setup = nullptr;
  }
}

void BM_FanoutPlain(benchmark::State& state) {
  fire_loop(state, static_cast<int>(state.range(0)), 0, false);
}
BENCHMARK(BM_FanoutPlain)->Arg(1)->Arg(100)->Arg(1000);

// Default (string-valued) JSON to N subscribers: one serialization, N shared reads.
void BM_FanoutJson(benchmark::State& state) {
  fire_loop(state, 0, 0, false, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_FanoutJson)->Arg(1)->Arg(100)->Arg(1000);

void BM_RegexUnderDispatchLock(benchmark::State& state) {
  fire_loop(state, 100, 1, false);
}
BENCHMARK(BM_RegexUnderDispatchLock)->Threads(1)->Threads(2)->UseRealTime();

void BM_RegexInPrecheck(benchmark::State& state) {
  fire_loop(state, 100, 1, true);
}
BENCHMARK(BM_RegexInPrecheck)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
