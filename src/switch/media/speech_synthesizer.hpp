#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/bounded_queue.hpp"
#include "switch/media/speech_source.hpp"

namespace es::media {

// Where speech is synthesized: one worker thread, so that no event-loop thread spends the
// milliseconds (or, for long text, seconds) flite takes, and flite runs on one thread only.
// The thread starts with the first request: a switch that never speaks has none.
class SpeechSynthesizer {
 public:
  // Requests waiting for the worker. Policy when full: submit() refuses and the caller's
  // speak fails at once (logged by the caller) instead of waiting for room.
  static constexpr std::size_t kQueueCapacity = 256;

  // Runs on the worker thread: the 8 kHz speech, or null and what went wrong.
  using Done = std::function<void(std::unique_ptr<SpeechSource> source, std::string error)>;
  struct Request {
    std::string voice;  // a flite voice name (flite_voice_known)
    std::string text;
    Done done;
  };

  SpeechSynthesizer() = default;
  // Stops the worker after the request it is on; requests still queued are dropped unrun.
  ~SpeechSynthesizer();
  SpeechSynthesizer(const SpeechSynthesizer&) = delete;
  SpeechSynthesizer& operator=(const SpeechSynthesizer&) = delete;

  // False when the queue is full or the synthesizer is stopping.
  bool submit(Request request);

 private:
  void run();

  core::BoundedQueue<Request> queue_{kQueueCapacity};
  std::atomic<bool> stopping_{false};
  std::mutex start_mutex_;  // guards thread_ (started by the first submit)
  std::thread thread_;
};

}  // namespace es::media
