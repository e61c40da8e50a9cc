// A displacement (uuid_displace, displace_session; switch_ivr_displace_session): a file takes
// the place of the audio a channel writes (or, mixed in, joins it) until it ends, its time
// limit passes or it is stopped. See docs/api-behaviour.md §3.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "switch/media/audio_source.hpp"
#include "switch/session/session.hpp"

namespace es::sw {

// The letters of FreeSWITCH's flags argument: any word holding them counts ("mux" is m).
struct DisplaceMode {
  bool mux = false;   // m: mix the file into the audio instead of replacing it
  bool loop = false;  // l: start the file again when it ends
  bool read = false;  // r: the file goes to what the channel reads instead
  bool both = false;  // r and w: what it reads and what it writes both carry the file
  static DisplaceMode parse(std::string_view flags);
};

class Displacer final : public FrameFilter {
 public:
  // r&w mode hands the read side's file frames to the write side through a queue of at most
  // this many frames (1 s); older frames are dropped when the writer falls behind.
  static constexpr std::size_t kMaxSharedFrames = 50;
  using Reopen = std::function<std::unique_ptr<media::AudioSource>()>;

  Displacer(std::unique_ptr<media::AudioSource> source, Reopen reopen, DisplaceMode mode,
            const core::Clock& clock, std::int64_t deadline_us);

  bool filter_read(media::Frame& frame) override;
  bool filter_write(media::Frame& frame) override;
  // Finished: ended, past its limit or stopped (later frames pass untouched).
  bool finished() const;
  void stop() { stopped_.store(true); }

 private:
  // The next 20 ms of the file (mutex_ held); false when it has ended.
  bool next(media::Frame& out);
  // Replaces `frame` by the file or mixes the file in (mutex_ held); false at the end.
  bool displace(media::Frame& frame);

  const core::Clock& clock_;
  const DisplaceMode mode_;
  const std::int64_t deadline_us_;  // <0: no limit
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::unique_ptr<media::AudioSource> source_;
  Reopen reopen_;
  std::deque<media::Frame> shared_;  // r&w mode: read-side frames awaiting the write side
};

// uuid_displace's and displace_session's displacements, per session, named by the file as
// resolved when it started (sound_prefix, ".wav" added), as FreeSWITCH names them.
namespace session_displacement {
// At most this many displacements at once on one channel.
inline constexpr std::size_t kMaxPerSession = 16;
// `limit_seconds` 0: until the file ends. False when refused (logged).
bool start(Session& s, std::string_view file, std::int64_t limit_seconds, std::string_view flags);
// `name` must be the resolved name (FreeSWITCH looks the text up as given).
bool stop(Session& s, std::string_view name);
}  // namespace session_displacement

}  // namespace es::sw
