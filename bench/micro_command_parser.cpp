// Micro-benchmark of the client-packet parser (protocol::CommandParser feed/next) on a mix of
// typical packets, fed whole and in small fragments as TCP may deliver them.
#include <benchmark/benchmark.h>

#include <string>

#include "protocol/command_parser.hpp"

namespace {

// A representative stream: api, event subscription, sendevent with headers, bgapi with a
// Job-UUID, sendmsg with a body.
std::string packet_stream(int repeat) {
  const std::string one =
      "api status\n\n"
      "event plain CHANNEL_CREATE CHANNEL_ANSWER BACKGROUND_JOB\n\n"
      "sendevent CUSTOM\nEvent-Subclass: bench::fan\nBench-Sent-Ns: 123456789012\n"
      "Bench-Seq: 42\nX-Note: some value here\n\n"
      "bgapi version\nJob-UUID: 11111111-2222-3333-4444-555555555555\n\n"
      "sendmsg 6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21\ncall-command: execute\n"
      "execute-app-name: playback\nContent-Type: text/plain\nContent-Length: 24\n\n"
      "/tmp/some/sound/file.wav";
  std::string stream;
  for (int i = 0; i < repeat; ++i) stream += one;
  return stream;
}

constexpr int kPacketsPerCopy = 5;

void parse_stream(benchmark::State& state) {
  const std::string stream = packet_stream(100);
  const auto fragment = static_cast<std::size_t>(state.range(0));
  es::protocol::CommandPacket packet;
  std::int64_t packets = 0;
  for (auto _ : state) {
    es::protocol::CommandParser parser;
    for (std::size_t at = 0; at < stream.size(); at += fragment) {
      parser.feed(std::string_view(stream).substr(at, fragment));
      while (parser.next(packet) == es::protocol::ParseStatus::kPacket) {
        benchmark::DoNotOptimize(packet.command.data());
        ++packets;
      }
    }
  }
  if (packets != state.iterations() * 100 * kPacketsPerCopy) {
    state.SkipWithError("parser returned an unexpected number of packets");
  }
  state.SetItemsProcessed(packets);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
// Fragment sizes: whole stream at once, one MTU-ish segment, small reads.
BENCHMARK(parse_stream)->Arg(1 << 20)->Arg(1460)->Arg(64);

}  // namespace

BENCHMARK_MAIN();
