// Writes what a channel reads to a file (record, uuid_record), or what it writes, or both as
// the two channels of a stereo file (uuid_record with RECORD_STEREO). Frames come from the
// far end on its own schedule; when they stop coming the recorder fills the pause with
// silence so the file keeps the call's timeline, but a stream that merely jitters is written
// as it arrives, without silence between its frames. In stereo the two sides arrive on their
// own schedules; frames are paired in arrival order, each side's n-th frame beside the
// other's n-th.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "switch/media/audio_file_writer.hpp"
#include "switch/session/session.hpp"

namespace es::sw {

struct SilenceDetection {
  std::uint32_t threshold = 0;  // 0: off; mean absolute sample value below it is silence
  std::int64_t hits = 0;        // consecutive silent frames that end the recording
};

// Which directions a recording carries (switch_ivr_record_session's RECORD_* variables).
struct RecordLayout {
  bool read = true;     // what the channel reads (the far end's audio)
  bool write = false;   // what it writes
  bool stereo = false;  // read on the left channel, write on the right
  bool swap = false;    // stereo with the sides exchanged (RECORD_STEREO_SWAP)
};

class Recorder final : public FrameConsumer {
 public:
  // A stream whose frames arrive less than this far apart is contiguous.
  // Generous: a producer starved for a moment on a loaded machine must not get silence in the
  // middle of its stream; a real pause is still filled in full once it is noticed.
  static constexpr std::int64_t kJitterAllowanceUs = 400000;
  // Stereo: a frame of one side waits this long (200 ms) for its partner from the other side
  // before it goes out beside silence; either side keeps at most kMaxPendingFrames (1 s)
  // waiting, older ones dropped.
  static constexpr std::size_t kPairingLagFrames = 10;
  static constexpr std::size_t kMaxPendingFrames = 50;

  // `writer` has two channels when `layout.stereo`.
  Recorder(std::unique_ptr<media::AudioFileWriter> writer, const core::Clock& clock,
           SilenceDetection silence = SilenceDetection(), RecordLayout layout = RecordLayout());

  void consume(const media::Frame& frame) override;
  void consume_written(const media::Frame& frame) override;
  // Whether the channel must hand it what it writes (Session::add_frame_consumer).
  bool wants_written() const { return layout_.write; }
  // Fills a pause in the stream with silence up to now (called on a timer).
  void tick();
  // Finalises the file; later frames are dropped.
  void close();

  void set_masked(bool on) { masked_.store(on); }
  void set_paused(bool on) { paused_.store(on); }
  std::int64_t samples_written() const;
  bool silence_exhausted() const { return silence_exhausted_.load(); }
  // Called (from the thread that detected it) when silence detection ends the recording.
  std::function<void()> on_silence;

 private:
  void pad_until(std::int64_t now_us);                      // mutex_ held
  void write(const media::Frame& frame, bool silent_hint);  // mutex_ held
  // mutex_ held, all below.
  void arrive(const media::Frame& frame);  // mono
  void arrive_stereo(std::deque<media::Frame>& side, const media::Frame& frame);
  // Writes the frames that have partners, and those that waited long enough (`all`: every one).
  void drain(bool all);
  // Stereo's write(); silence detection is the record application's, always mono.
  void write_pair(const media::Frame& read, const media::Frame& written);

  const core::Clock& clock_;
  const RecordLayout layout_;
  std::deque<media::Frame> pending_read_;     // stereo, under mutex_
  std::deque<media::Frame> pending_written_;  // stereo, under mutex_
  SilenceDetection silence_;
  std::int64_t silent_left_;
  std::atomic<bool> masked_{false};
  std::atomic<bool> paused_{false};
  std::atomic<bool> silence_exhausted_{false};
  mutable std::mutex mutex_;
  std::unique_ptr<media::AudioFileWriter> writer_;
  std::int64_t covered_until_us_;  // timeline position of the end of what was written
  std::int64_t last_arrival_us_;
  std::int64_t samples_ = 0;
};

// Resolves a record path: absolute as given, relative under `recording_dir` (if set).
std::string recording_path(std::string_view path, const std::string& recording_dir);

// uuid_record's media bugs, per session and path.
namespace session_recording {
// The channel's RECORD_STEREO, RECORD_STEREO_SWAP, RECORD_READ_ONLY and RECORD_WRITE_ONLY
// choose the layout.
bool start(Session& s, const std::string& path, std::int64_t limit_seconds);
RecordLayout layout_for(const Session& s);
// `path` "all" stops every recording of the session.
bool stop(Session& s, const std::string& path);
bool mask(Session& s, const std::string& path, bool on);
bool pause(Session& s, const std::string& path, bool on);
}  // namespace session_recording

// record_seconds / record_ms / record_samples and RECORD_STOP (Record-File-Path).
void finish_recording_events(Session& s, const std::string& path, std::int64_t samples);
void fire_record_start(Session& s, const std::string& path);

}  // namespace es::sw
