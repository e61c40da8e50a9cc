// The switch: the table of live sessions, the endpoints and applications, and the glue that
// lets the event socket and the API reach channels (core::SessionControl, Runtime hooks).
#pragma once

#include <asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/channel_directory.hpp"
#include "core/runtime.hpp"
#include "core/session_control.hpp"
#include "core/timers.hpp"
#include "core/xml_config.hpp"
#include "switch/application_registry.hpp"
#include "switch/dial_string_map.hpp"
#include "switch/endpoint.hpp"
#include "switch/media/speech_synthesizer.hpp"
#include "switch/session/session.hpp"

namespace es::sw {

class CdrWriter;

struct SwitchOptions {
  std::string sound_dir;      // relative playback paths
  std::string recording_dir;  // relative record paths
};

class SwitchCore final : public core::SessionControl, public core::ChannelDirectory {
 public:
  SwitchCore(core::Runtime& runtime, asio::io_context& io, core::Timers& timers,
             SwitchOptions options = {});
  ~SwitchCore() override;

  core::Runtime& runtime() const { return runtime_; }
  asio::io_context& io() { return io_; }
  core::Timers& timers() { return timers_; }
  const SwitchOptions& options() const { return options_; }
  ApplicationRegistry& applications() { return applications_; }
  EndpointRegistry& endpoints() { return endpoints_; }
  // Where speak's text is synthesized (its worker thread starts with the first speak).
  media::SpeechSynthesizer& speech() { return speech_; }

  // The XML configuration the dialplan reads (reloadxml swaps it); null: none.
  std::function<std::shared_ptr<const core::XmlConfig>()> xml;
  // Where say and phrase look up their <language> (the languages or phrases section); null:
  // `xml`.
  std::function<std::shared_ptr<const core::XmlConfig>()> phrases_xml;
  // CDR files (docs/cdr.md): set before calls start; null: none.
  std::shared_ptr<CdrWriter> cdr_writer;
  // Production dial strings onto test endpoints (dial_string_map.hpp); set at load and
  // reloadxml, read by every originate.
  void set_dial_string_map(DialStringMap map);
  std::shared_ptr<const DialStringMap> dial_string_map() const;

  // Creates a session (not started) and counts it; nullopt-like null when the session limit
  // or the uuid is taken. `uuid` empty: a fresh one.
  SessionPtr create_session(Direction direction, std::unique_ptr<ChannelDriver> driver,
                            CallerProfile profile, std::string uuid = {}, int* cause = nullptr);
  // Live (state < CS_HANGUP) session, as switch_core_session_locate.
  SessionPtr locate(std::string_view uuid) const;
  // Any session still in the table (also hung up ones not yet destroyed).
  SessionPtr find(std::string_view uuid) const;
  std::vector<SessionPtr> sessions() const;
  std::size_t count() const;
  // Called by a session when it is destroyed.
  void remove(const Session& session);
  // Changes the uuid a session is found under (origination_uuid after creation).
  bool rename(const SessionPtr& session, std::string_view new_uuid);

  void hangup_all(int cause);

  // Simulated time: true while any session is between a wake-up and its next wait.
  std::atomic<int> running_sessions{0};
  // Waits until no session is running (simulated time settles between timer steps).
  void settle() const;

  // core::SessionControl
  bool is_live(std::string_view uuid) const override;
  std::optional<std::string> channel_name(std::string_view uuid) const override;
  bool confine(std::string_view uuid, const core::AccessRules& rules) override;
  core::QueueResult queue_message(std::string_view uuid, core::Event message) override;
  core::QueueResult queue_event(std::string_view uuid, core::Event event) override;
  std::shared_ptr<void> attach(std::string_view uuid, std::function<void()> on_hangup,
                               std::function<void()> on_reported) override;
  bool set_event_divert(std::string_view uuid, std::function<bool(core::Event&)> sink) override;

  // core::ChannelDirectory
  std::vector<std::vector<std::string>> channel_rows(std::string_view subject) const override;
  bool fill_channel_data(std::string_view uuid, core::Event& event) const override;
  void hangup_all() override;

  // Installs this switch in the Runtime as its SessionControl and ChannelDirectory; the
  // destructor removes it.
  void attach_to_runtime();

 private:
  core::Runtime& runtime_;
  asio::io_context& io_;
  core::Timers& timers_;
  SwitchOptions options_;
  ApplicationRegistry applications_;
  EndpointRegistry endpoints_;
  bool admit_session_per_second();

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, SessionPtr> sessions_;
  mutable std::mutex dial_map_mutex_;
  std::shared_ptr<const DialStringMap> dial_map_;
  std::mutex sps_mutex_;
  std::int64_t sps_second_ = -1;
  std::uint32_t sps_count_ = 0;
  std::atomic<std::uint64_t> next_session_id_{1};
  // Last: its worker stops first, before anything a finished synthesis could touch.
  media::SpeechSynthesizer speech_;
};

}  // namespace es::sw
