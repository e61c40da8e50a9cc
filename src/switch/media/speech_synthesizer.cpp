#include "switch/media/speech_synthesizer.hpp"

#include <chrono>
#include <exception>
#include <optional>

namespace es::media {

SpeechSynthesizer::~SpeechSynthesizer() {
  std::thread worker;
  {
    std::lock_guard lock(start_mutex_);
    stopping_ = true;
    worker = std::move(thread_);
  }
  queue_.close();
  if (worker.joinable()) worker.join();
}

bool SpeechSynthesizer::submit(Request request) {
  {
    // Under the lock the destructor takes too: the thread is started (or found stopping) by
    // whichever session thread comes first, and the destructor sees it.
    std::lock_guard lock(start_mutex_);
    if (stopping_) return false;
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  return queue_.try_push(std::move(request));
}

void SpeechSynthesizer::run() {
  while (!stopping_) {
    std::optional<Request> request = queue_.pop_for(std::chrono::seconds(1));
    if (!request) continue;
    std::unique_ptr<SpeechSource> source;
    std::string error;
    try {
      SpeechAudio audio;
      if (flite_synthesize(request->voice, request->text, audio, &error))
        source = std::make_unique<SpeechSource>(audio);
    } catch (const std::exception& e) {
      // Out of memory for a long text: that request fails, the worker goes on.
      error = e.what();
    } catch (...) {
      error = "speech synthesis failed";
    }
    // The callback only stores the result and wakes the session; should it throw, the worker
    // (which every later speak needs) must outlive it all the same.
    try {
      if (request->done) request->done(std::move(source), std::move(error));
    } catch (...) {  // NOLINT(bugprone-empty-catch): that session waits on until hangup or a break
    }
  }
}

}  // namespace es::media
