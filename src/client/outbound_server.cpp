#include "client/outbound_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/dispatch.hpp>
#include <asio/use_awaitable.hpp>

#include "client/connection_state.hpp"
#include "protocol/escape.hpp"

namespace es::client {
namespace {

constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::string_view kNotFound = "-ERR command not found";

ConnectionOptions session_options(ConnectionOptions options) {
  options.reconnect.enabled = false;  // the switch connected to us: nothing to reconnect to
  return options;
}

// The CHANNEL_DATA "reply" is an event serialized as headers with URL-encoded values.
Event channel_data_event(const Reply& reply) {
  Event event;
  event.headers.reserve(reply.headers.size());
  for (const Header& header : reply.headers) {
    event.headers.push_back({header.name, protocol::url_decode(header.value)});
  }
  return event;
}

asio::awaitable<Reply> do_myevents(std::shared_ptr<detail::ConnectionState> state,
                                   protocol::EventFormat format) {
  bool library_had_it = state->library_myevents;
  std::string command = "myevents";
  if (format != protocol::EventFormat::kPlain) {
    command += " " + std::string(protocol::format_name(format));
  }
  auto slot = state->send_command(command + "\n\n");
  Reply reply = detail::to_reply(
      co_await detail::await_slot(slot, state->options.command_timeout, "a reply"));
  // When execute() turned it on already the switch refuses a second one ("-ERR aready
  // enabled."), but the events flow: from now on they are the application's.
  if (reply.ok() || library_had_it) {
    state->myevents_on = true;
    state->library_myevents = false;
    for (std::string_view type : detail::myevents_types()) {
      state->application_events.insert(std::string(type));
    }
    if (reply.ok() && format != protocol::EventFormat::kPlain) state->format = format;
  }
  co_return reply;
}

}  // namespace

OutboundSession::OutboundSession(asio::ip::tcp::socket socket, ConnectionOptions options)
    : connection_(socket.get_executor(), session_options(std::move(options))) {
  // Nothing else knows the state yet, so it may be set up from this thread.
  connection_.state_->adopt(std::move(socket));
}

asio::awaitable<Event> OutboundSession::connect() {
  Reply reply = co_await connection_.command("connect\n\n");
  channel_data_ = channel_data_event(reply);
  // execute() without a uuid runs on this channel: its hangup must end those too.
  // Dispatched: at once when this runs on the strand, else queued before any later execute().
  asio::dispatch(connection_.state_->strand, [state = connection_.state_, channel = uuid()] {
    state->controlled_uuid = channel;
  });
  co_return channel_data_;
}

std::string OutboundSession::uuid() const {
  return std::string(channel_data_.header_or("Unique-ID"));
}

asio::awaitable<Reply> OutboundSession::myevents(protocol::EventFormat format) {
  auto state = connection_.state_;
  return asio::co_spawn(state->strand, do_myevents(state, format), asio::use_awaitable);
}

asio::awaitable<Reply> OutboundSession::linger(std::chrono::seconds seconds) {
  if (seconds.count() == 0) return connection_.command("linger\n\n");
  return connection_.command("linger " + std::to_string(seconds.count()) + "\n\n");
}

asio::awaitable<Reply> OutboundSession::nolinger() {
  return connection_.command("nolinger\n\n");
}

asio::awaitable<Reply> OutboundSession::resume() {
  return connection_.command("resume\n\n");
}

asio::awaitable<std::string> OutboundSession::getvar(std::string name) {
  Reply reply = co_await connection_.command("getvar " + name + "\n\n");
  if (reply.text == kNotFound) co_return std::string();
  co_return std::move(reply.text);
}

asio::awaitable<Event> OutboundSession::execute(std::string app, std::string arg, bool event_lock) {
  // An empty uuid sends a bare "sendmsg": the switch runs it on the channel it handed us.
  return connection_.execute({}, std::move(app), std::move(arg), event_lock);
}

asio::awaitable<Reply> OutboundSession::hangup(std::string cause) {
  return connection_.sendmsg({}, {{"call-command", "hangup"}, {"hangup-cause", std::move(cause)}});
}

OutboundServer::OutboundServer(asio::any_io_executor executor, ConnectionOptions options)
    : executor_(std::move(executor)), options_(std::move(options)), acceptor_(executor_) {}

OutboundServer::~OutboundServer() {
  close();
}

void OutboundServer::listen(const std::string& host, unsigned short port) {
  std::error_code ec;
  asio::ip::tcp::resolver resolver(executor_);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec || endpoints.empty()) {
    throw ClientError(ClientError::Kind::kConnectFailed,
                      "cannot resolve " + host + ": " + (ec ? ec.message() : "no address"));
  }
  asio::ip::tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto fail = [&](std::string_view step) {
    std::error_code ignored;
    acceptor_.close(ignored);
    return ClientError(ClientError::Kind::kConnectFailed, "cannot " + std::string(step) + " " +
                                                              host + ":" + std::to_string(port) +
                                                              ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) throw fail("open a socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) throw fail("configure");
  acceptor_.bind(endpoint, ec);
  if (ec) throw fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw fail("listen on");
  port_ = acceptor_.local_endpoint(ec).port();
}

unsigned short OutboundServer::port() const {
  return port_;
}

asio::awaitable<std::unique_ptr<OutboundSession>> OutboundServer::accept() {
  if (!acceptor_.is_open()) {
    throw ClientError(ClientError::Kind::kNotConnected, "the outbound server is not listening");
  }
  auto [ec, socket] = co_await acceptor_.async_accept(kAwait);
  if (ec) {
    throw ClientError(ClientError::Kind::kNotConnected, "accept failed: " + ec.message());
  }
  co_return std::make_unique<OutboundSession>(std::move(socket), options_);
}

void OutboundServer::close() {
  std::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace es::client
