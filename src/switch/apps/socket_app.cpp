// The outbound `socket` application (docs/outbound.md): connects to the first
// reachable target and hands the connection and the call to the event socket server through
// the Runtime's OutboundSocketAcceptor; then waits (sync) or parks the call (async) until it ends.
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>

#include "core/log_bus.hpp"
#include "core/outbound_socket.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/apps/app_groups.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using core::LogLevel;
using text::c_atol;
constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);

constexpr unsigned short kDefaultPort = 8084;
// FreeSWITCH waits for the operating system's connect timeout (minutes); a dialplan that lists
// fallback targets is better served by giving up on a silent one sooner.
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr int kKeepAliveSeconds = 30;  // idle and interval, as FreeSWITCH sets them

// One `|`-separated target, split as FreeSWITCH does: the port follows the last ':', a '/'
// (searched in the port text when there is one, else in the host) starts the path.
struct Target {
  std::string host;
  std::optional<unsigned short> port;
  std::optional<std::string> path;
};

Target parse_target(std::string_view text) {
  Target target;
  std::string_view host = text;
  std::string_view port_text;
  bool has_port = false;
  if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
    has_port = true;
    target.port = static_cast<unsigned short>(c_atol(port_text));
  }
  if (has_port) {
    if (auto slash = port_text.find('/'); slash != std::string_view::npos) {
      target.path = std::string(port_text.substr(slash + 1));
    }
  } else if (auto slash = host.find('/'); slash != std::string_view::npos) {
    target.path = std::string(host.substr(slash + 1));
    host = host.substr(0, slash);
  }
  target.host = std::string(host);
  return target;
}

// "[::1]" names an IPv6 address; the brackets are only there to keep its colons from the port.
std::string resolvable_host(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

void set_keepalive(asio::ip::tcp::socket& socket) {
  std::error_code ec;
  socket.set_option(asio::socket_base::keep_alive(true), ec);
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  int seconds = kKeepAliveSeconds;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &seconds, sizeof seconds);
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_KEEPINTVL, &seconds, sizeof seconds);
}

// Tries every address of `host` until one connects within kConnectTimeout.
asio::awaitable<std::optional<asio::ip::tcp::socket>> connect_to(Session& s,
                                                                 const std::string& host,
                                                                 unsigned short port,
                                                                 std::string* error) {
  asio::ip::tcp::resolver resolver(s.strand());
  auto [resolve_ec, results] =
      co_await resolver.async_resolve(resolvable_host(host), std::to_string(port), kAwait);
  if (resolve_ec) {
    *error = resolve_ec.message();
    co_return std::nullopt;
  }
  for (const auto& entry : results) {
    auto socket = std::make_shared<asio::ip::tcp::socket>(s.strand());
    std::error_code ec;
    socket->open(entry.endpoint().protocol(), ec);
    if (ec) {
      *error = ec.message();
      continue;
    }
    set_keepalive(*socket);
    asio::steady_timer timer(s.strand());
    timer.expires_after(kConnectTimeout);
    timer.async_wait([socket](std::error_code timer_ec) {
      if (!timer_ec) {
        std::error_code ignored;
        socket->cancel(ignored);
      }
    });
    auto [connect_ec] = co_await socket->async_connect(entry.endpoint(), kAwait);
    timer.cancel();
    if (!connect_ec) co_return std::move(*socket);
    *error =
        connect_ec == asio::error::operation_aborted ? "connect timed out" : connect_ec.message();
  }
  co_return std::nullopt;
}

// What the connection's callbacks tell the waiting application. Written from any thread;
// the application only reads it on the session strand.
struct SocketProgress {
  std::atomic<bool> connected{false};
  std::atomic<bool> ended{false};
  std::atomic<bool> resume_requested{false};  // the application sent `resume`
  bool parking = false;                       // strand only
  bool resumed = false;  // strand only: the end put the channel in CS_RESET (docs/outbound.md)
  // Static mode sendmsg packets waiting for the call, with what to call once each has run.
  std::mutex mutex;
  std::deque<std::pair<core::Event, std::function<void()>>> messages;

  std::optional<std::pair<core::Event, std::function<void()>>> take_message() {
    std::lock_guard lock(mutex);
    if (messages.empty()) return std::nullopt;
    auto item = std::move(messages.front());
    messages.pop_front();
    return item;
  }
  bool has_messages() {
    std::lock_guard lock(mutex);
    return !messages.empty();
  }
};

// The call as the outbound connection's listener reaches it (core::OutboundCall). Holds the
// session weakly: the connection may outlive the call.
class SocketCall final : public core::OutboundCall {
 public:
  SocketCall(Session& s, bool full, std::shared_ptr<SocketProgress> progress)
      : session_(s.shared_from_this()), full_(full), progress_(std::move(progress)) {}

  void fill_channel_data(core::Event& event) override {
    if (auto session = session_.lock()) {
      session->profile().add_event_headers("Channel", event);
      session->add_event_data(event, true);
    }
  }

  // Without `full` the application server is confined to its call: no global variables.
  std::optional<std::string> lookup_variable(std::string_view name) override {
    if (auto session = session_.lock()) return session->lookup(name, -1, full_);
    return std::nullopt;
  }

  void resume() override {
    progress_->resume_requested = true;
    if (auto session = session_.lock()) session->set_variable("socket_resume", "true");
  }

  bool execute_message(core::Event message, std::function<void()> done) override {
    auto session = session_.lock();
    if (!session || progress_->ended.load()) return false;
    {
      std::lock_guard lock(progress_->mutex);
      progress_->messages.emplace_back(std::move(message), std::move(done));
    }
    session->signal();
    return true;
  }

  void connected() override {
    progress_->connected = true;
    if (auto session = session_.lock()) session->signal();
  }

  void ended() override {
    auto session = session_.lock();
    if (!session) {
      progress_->ended = true;
      return;
    }
    // On the strand, so the application cannot be between "not ended" and entering the park.
    asio::post(session->strand(), [session, progress = progress_] {
      progress->ended = true;
      // docs/outbound.md: asked to resume, the channel is reset (which also ends a running
      // application or the park); the application then sends it back to CS_EXECUTE.
      bool resume = progress->resume_requested.load() || session->variable_true("socket_resume");
      if (resume && session->up() && !session->transferring.load() &&
          session->state() != ChannelState::kReset) {
        progress->resumed = session->set_state(ChannelState::kReset);
      }
      if (progress->parking) session->parked = false;
      session->signal();
    });
  }

 private:
  std::weak_ptr<Session> session_;
  bool full_;
  std::shared_ptr<SocketProgress> progress_;
};

core::OutboundSocketRequest make_request(Session& s, int fd, bool async, bool full,
                                         const std::shared_ptr<SocketProgress>& progress) {
  core::OutboundSocketRequest request;
  request.native_fd = fd;
  request.session_uuid = s.uuid();
  request.async = async;
  request.full = full;
  request.rules = s.access_rules();
  request.call = std::make_shared<SocketCall>(s, full, progress);
  return request;
}

// Waits on the session until `done` or the channel stops being ready, running queued sendmsg
// commands meanwhile.
asio::awaitable<void> wait_while_connected(Session& s, const std::function<bool()>& done) {
  while (!done() && s.ready()) {
    co_await s.process_commands();
    if (done() || !s.ready()) break;
    s.core().running_sessions.fetch_sub(1);
    co_await s.wait_until(-1);
    s.core().running_sessions.fetch_add(1);
  }
}

// After a resumed end the dialplan goes on with the action after `socket`. FreeSWITCH does this
// in async mode only; in static mode it leaves the channel in CS_RESET, where nothing moves it
// on (docs/outbound.md), so both modes follow the documented intent here.
void resume_dialplan(Session& s, SocketProgress& progress) {
  if (progress.resumed && s.state() == ChannelState::kReset) s.set_state(ChannelState::kExecute);
}

asio::awaitable<void> socket_app(Session& s, std::string arg) {
  auto& log = s.core().runtime().log();
  std::vector<std::string> words;
  for (auto& word : text::separate_string(arg, ' ', 80)) {
    if (!word.empty()) words.push_back(std::move(word));
  }
  if (words.empty()) {
    ES_LOG(log, LogLevel::kErr, "Parse Error!");
    co_return;
  }
  bool async = false;
  bool full = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (protocol::iequals(words[i], "full")) full = true;
    if (protocol::iequals(words[i], "async")) async = true;
  }

  std::optional<asio::ip::tcp::socket> socket;
  unsigned short port = kDefaultPort;  // a later target without a port keeps the last one
  for (auto& text : text::separate_string(words[0], '|', 50)) {
    if (text.empty()) {
      ES_LOG(log, LogLevel::kErr, "Missing Host!");
      continue;
    }
    ES_LOG(log, LogLevel::kNotice, "Trying host: {}", text);
    Target target = parse_target(text);
    if (target.port) port = *target.port;
    if (target.path) s.set_variable("socket_path", *target.path);
    s.set_variable("socket_host", target.host);
    std::string error;
    socket = co_await connect_to(s, target.host, port, &error);
    if (socket) break;
    ES_LOG(log, LogLevel::kErr, "Socket Error: {}", error);
  }
  if (!socket) {
    ES_LOG(log, LogLevel::kErr, "Socket Error!");
    co_return;
  }
  core::OutboundSocketAcceptor* acceptor = s.core().runtime().outbound_acceptor();
  if (acceptor == nullptr) {
    ES_LOG(log, LogLevel::kErr, "Failed to start listener");
    co_return;
  }
  std::error_code ec;
  int fd = socket->release(ec);
  if (ec) {
    ES_LOG(log, LogLevel::kErr, "Socket Error: {}", ec.message());
    co_return;
  }
  auto progress = std::make_shared<SocketProgress>();
  if (!acceptor->adopt(make_request(s, fd, async, full, progress))) {
    ES_LOG(log, LogLevel::kErr, "Failed to start listener");
    co_return;
  }

  if (!async) {
    // Static mode: the call waits here while its connection lasts and runs the application's
    // sendmsg packets one by one, each reply waiting for its packet (docs/outbound.md).
    while (!progress->ended.load() && s.ready()) {
      while (auto item = progress->take_message()) {
        co_await s.execute_command(std::move(item->first));
        item->second();
      }
      co_await s.process_commands();
      if (progress->ended.load() || !s.ready()) break;
      if (progress->has_messages()) continue;
      s.core().running_sessions.fetch_sub(1);
      co_await s.wait_until(-1);
      s.core().running_sessions.fetch_add(1);
    }
    // FreeSWITCH serves a static socket on the call's own thread, so the application returns
    // only when the connection ends: a lingering connection holds the hangup (and
    // CHANNEL_HANGUP_COMPLETE) back until its linger time is up or it says exit. Packets that
    // arrive meanwhile, or as the call ended, still get their reply.
    for (;;) {
      while (auto item = progress->take_message()) item->second();
      if (progress->ended.load()) break;
      s.core().running_sessions.fetch_sub(1);
      co_await s.wait_until(-1);
      s.core().running_sessions.fetch_add(1);
    }
    resume_dialplan(s, *progress);
    co_return;
  }
  // Async: wait for `connect`, then park until the connection ends (docs/outbound.md).
  co_await wait_while_connected(
      s, [&] { return progress->ended.load() || progress->connected.load(); });
  if (s.ready() && (!progress->ended.load() || !progress->connected.load())) {
    // An application that never sent `connect` leaves a plain park behind, as in FreeSWITCH:
    // nothing releases it but a hangup or a transfer.
    progress->parking = !progress->ended.load();
    co_await s.park();
    progress->parking = false;
  }
  co_await s.process_commands();
  resume_dialplan(s, *progress);
}

}  // namespace

void register_socket_app(ApplicationRegistry& registry) {
  Application app;
  app.name = "socket";
  app.description = "Connect to a socket";
  app.syntax = "<ip>[:<port>]";
  app.flags.no_media = true;
  app.function = socket_app;
  app.module = "mod_event_socket";
  registry.add(std::move(app));
}

}  // namespace es::sw
