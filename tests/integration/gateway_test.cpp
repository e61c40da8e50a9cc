// Gateway mode end to end (docs/gateway.md): eventswitch daemons as the upstreams (they speak
// FreeSWITCH's protocol byte for byte) and one daemon started with --upstream in front of them.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "conf_dir.hpp"
#include "daemon_process.hpp"
#include "gateway_helpers.hpp"
#include "test_client.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;

TEST(Gateway, EventsReachClientsInEachFormatExactlyAsTheUpstreamSendsThem) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  auto gateway = start_gateway({{"fs1", upstream.port()}});
  ASSERT_TRUE(gateway->listening());

  const std::vector<std::string> formats = {"plain", "json", "xml"};
  std::vector<std::unique_ptr<TestClient>> direct, through;
  for (const auto& format : formats) {
    for (auto* list : {&direct, &through}) {
      auto client = std::make_unique<TestClient>();
      ASSERT_TRUE(connect_and_auth(*client, list == &direct ? upstream.port() : gateway->port()));
      subscribe(*client, "event " + format + " CUSTOM gw::same");
      list->push_back(std::move(client));
    }
  }
  TestClient publisher;
  ASSERT_TRUE(connect_and_auth(publisher, upstream.port()));
  ASSERT_EQ(
      fire(publisher, "gw::same", "first", "a body\nwith lines & <xml> \"quotes\"\n").substr(0, 3),
      "+OK");
  ASSERT_EQ(fire(publisher, "gw::same", "second").substr(0, 3), "+OK");
  for (std::size_t i = 0; i < formats.size(); ++i) {
    for (int n = 0; n < 2; ++n) {
      auto expected = direct[i]->read_until(is_event);
      auto got = through[i]->read_until(is_event);
      ASSERT_TRUE(expected && got) << formats[i];
      EXPECT_EQ(got->raw, expected->raw) << formats[i];
    }
  }
  // Filters apply at the gateway as they do upstream.
  subscribe(*through[0], "filter Marker third");
  ASSERT_EQ(fire(publisher, "gw::same", "other").substr(0, 3), "+OK");
  ASSERT_EQ(fire(publisher, "gw::same", "third").substr(0, 3), "+OK");
  auto filtered = through[0]->read_until(is_event);
  ASSERT_TRUE(filtered);
  EXPECT_NE(filtered->message.body.find("Marker: third"), std::string::npos);
}

TEST(Gateway, ApiAndBgapiGoUpstreamAndTheJobReachesOnlyTheAskingClient) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  auto gateway = start_gateway({{"fs1", upstream.port()}});
  TestClient direct;
  ASSERT_TRUE(connect_and_auth(direct, upstream.port()));
  EXPECT_EQ(api(direct, "global_setvar gw_probe=upstream-value"), "+OK");

  TestClient asker, other;
  ASSERT_TRUE(connect_and_auth(asker, gateway->port()));
  ASSERT_TRUE(connect_and_auth(other, gateway->port()));
  EXPECT_EQ(api(asker, "global_getvar gw_probe"), "upstream-value");
  EXPECT_EQ(api(asker, "@fs1 global_getvar gw_probe"), "upstream-value");
  EXPECT_EQ(api(asker, "@nowhere status"), "-ERR no upstream named nowhere\n");

  subscribe(asker, "event plain BACKGROUND_JOB");
  subscribe(other, "event plain BACKGROUND_JOB");
  ASSERT_TRUE(asker.send("bgapi global_getvar gw_probe\nJob-UUID: job-through-gateway\n\n"));
  auto accepted = asker.read_frame();
  ASSERT_TRUE(accepted);
  EXPECT_EQ(*accepted->message.header("Reply-Text"), "+OK Job-UUID: job-through-gateway");
  auto job = asker.read_until(is_event);
  ASSERT_TRUE(job);
  EXPECT_NE(job->message.body.find("Job-UUID: job-through-gateway"), std::string::npos);
  EXPECT_NE(job->message.body.find("\n\nupstream-value"), std::string::npos) << job->raw;
  EXPECT_TRUE(other.expect_silence(500ms));

  // Two clients choosing the same Job-UUID each get their own job (mapped upstream).
  for (TestClient* client : {&asker, &other}) {
    EXPECT_EQ(reply_text(*client, "bgapi global_getvar gw_probe\nJob-UUID: chosen-twice\n\n"),
              "+OK Job-UUID: chosen-twice");
  }
  for (TestClient* client : {&asker, &other}) {
    auto mine = event_with(*client, "Job-UUID: chosen-twice");
    ASSERT_TRUE(mine);
    EXPECT_NE(mine->message.body.find("\n\nupstream-value"), std::string::npos) << mine->raw;
    EXPECT_TRUE(client->expect_silence(300ms));  // and only its own
  }
}

TEST(Gateway, TwoUpstreamsRouteApiSendmsgAndEventsByOwner) {
  DaemonProcess fs1(DaemonProcess::default_args());
  DaemonProcess fs2(DaemonProcess::default_args());
  ASSERT_TRUE(fs1.listening() && fs2.listening());
  TestClient direct2;
  ASSERT_TRUE(connect_and_auth(direct2, fs2.port()));
  // A call that exists before the gateway connects: learnt from `show channels`.
  std::string before = api(direct2, "originate null/100 &park()");
  ASSERT_EQ(before.substr(0, 4), "+OK ") << before;
  before = before.substr(4, 36);

  auto gateway = start_gateway({{"fs1", fs1.port()}, {"fs2", fs2.port()}});
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, gateway->port()));
  subscribe(client, "event plain CHANNEL_CREATE CUSTOM gw::both");
  // A call created afterwards: learnt from its events.
  std::string after = api(direct2, "originate null/101 &park()");
  ASSERT_EQ(after.substr(0, 4), "+OK ") << after;
  after = after.substr(4, 36);
  ASSERT_TRUE(event_with(client, "Unique-ID: " + after));

  // The default upstream (fs1) knows neither call; routing sends these to fs2.
  EXPECT_EQ(api(client, "@fs1 uuid_exists " + before), "false");
  EXPECT_EQ(api(client, "uuid_exists " + before), "true");
  EXPECT_EQ(api(client, "uuid_exists " + after), "true");
  EXPECT_EQ(reply_text(client, "sendmsg " + after +
                                   "\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n"),
            "+OK");
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = api(direct2, "uuid_exists " + after) == "false";
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone);

  // Events of both upstreams reach the client.
  TestClient direct1;
  ASSERT_TRUE(connect_and_auth(direct1, fs1.port()));
  ASSERT_EQ(fire(direct1, "gw::both", "from-fs1").substr(0, 3), "+OK");
  ASSERT_EQ(fire(direct2, "gw::both", "from-fs2").substr(0, 3), "+OK");
  // Two upstream connections: their events may arrive in either order.
  bool from_fs1 = false, from_fs2 = false;
  while (!from_fs1 || !from_fs2) {
    auto event = event_with(client, "Marker: from-fs");
    ASSERT_TRUE(event) << "fs1 seen: " << from_fs1 << ", fs2 seen: " << from_fs2;
    from_fs1 |= event->message.body.find("Marker: from-fs1") != std::string::npos;
    from_fs2 |= event->message.body.find("Marker: from-fs2") != std::string::npos;
  }
}

TEST(Gateway, ClientThatNeverReadsSlowsNeitherOthersNorApi) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  auto gateway = start_gateway({{"fs1", upstream.port()}});
  int stuck = connect_from("127.0.0.1", gateway->port());
  ASSERT_GE(stuck, 0);
  int small = 4096;
  setsockopt(stuck, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(send_all(stuck, "auth ClueCon\n\nevent plain ALL\n\n"));

  TestClient healthy, commands, publisher;
  ASSERT_TRUE(connect_and_auth(healthy, gateway->port()));
  subscribe(healthy, "event plain CUSTOM gw::flood");
  ASSERT_TRUE(connect_and_auth(commands, gateway->port()));
  ASSERT_TRUE(connect_and_auth(publisher, upstream.port()));
  const std::string body(std::size_t{16} * 1024, 'x');
  constexpr int kEvents = 400;
  auto worst_api = std::chrono::steady_clock::duration::zero();
  for (int i = 0; i < kEvents; ++i) {
    const std::string marker = fmt::format("n{}.", i);
    ASSERT_EQ(fire(publisher, "gw::flood", marker, body).substr(0, 3), "+OK");
    auto event = healthy.read_until(is_event);
    ASSERT_TRUE(event) << "healthy client missed event " << i;
    ASSERT_NE(event->message.body.find("Marker: " + marker), std::string::npos);
    if (i % 50 == 0) {
      auto start = std::chrono::steady_clock::now();
      EXPECT_NE(api(commands, "status").find("UP "), std::string::npos);
      worst_api = std::max(worst_api, std::chrono::steady_clock::now() - start);
    }
  }
  EXPECT_LT(worst_api, 500ms);
  ::close(stuck);
}

TEST(Gateway, UpstreamKilledAndRestarted) {
  auto upstream = std::make_unique<DaemonProcess>(DaemonProcess::default_args());
  ASSERT_TRUE(upstream->listening());
  const unsigned short port = upstream->port();
  auto gateway = start_gateway({{"fs1", port}});
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, gateway->port()));
  subscribe(client, "event plain BACKGROUND_JOB CUSTOM eventswitch::upstream gw::again");

  // A job still running when the upstream goes away completes with an error.
  ASSERT_EQ(reply_text(client, "bgapi msleep 3000\nJob-UUID: lost-job\n\n"),
            "+OK Job-UUID: lost-job");
  std::this_thread::sleep_for(200ms);
  upstream.reset();  // SIGTERM: the upstream says goodbye and closes
  // The down notice and the lost job's completion, in either order.
  std::optional<Frame> down, lost;
  while (!down || !lost) {
    auto event = client.read_until(is_event, 10s);
    ASSERT_TRUE(event) << "down seen: " << down.has_value()
                       << ", lost job seen: " << lost.has_value();
    if (event->message.body.find("Upstream-State: down") != std::string::npos) down = event;
    if (event->message.body.find("Job-UUID: lost-job") != std::string::npos) lost = event;
  }
  EXPECT_NE(down->message.body.find("Upstream-Name: fs1"), std::string::npos);
  EXPECT_NE(down->message.body.find("Event-Subclass: eventswitch%3A%3Aupstream"), std::string::npos)
      << down->message.body;
  EXPECT_NE(lost->message.body.find("-ERR upstream fs1 unavailable"), std::string::npos);

  EXPECT_EQ(api(client, "status"), "-ERR upstream fs1 unavailable\n");
  ASSERT_EQ(reply_text(client, "bgapi status\nJob-UUID: refused-job\n\n"),
            "+OK Job-UUID: refused-job");
  auto refused = event_with(client, "Job-UUID: refused-job");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message.body.find("-ERR upstream fs1 unavailable"), std::string::npos);

  DaemonProcess restarted({"--listen-ip", "127.0.0.1", "--listen-port", std::to_string(port),
                           "--no-color", "--heartbeat-interval", "3600"});
  ASSERT_TRUE(restarted.listening()) << restarted.stderr_text();
  auto up = event_with(client, "Upstream-State: up", 15s);
  ASSERT_TRUE(up);
  EXPECT_NE(api(client, "status").find("UP "), std::string::npos);
  TestClient publisher;
  ASSERT_TRUE(connect_and_auth(publisher, port));
  ASSERT_EQ(fire(publisher, "gw::again", "after-restart").substr(0, 3), "+OK");
  EXPECT_TRUE(event_with(client, "Marker: after-restart"));
}

TEST(Gateway, ReplayGivesAReconnectingClientWhatItMissedOrSaysHowMuchWasLost) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  ConfDir conf;
  conf.write("autoload_configs/event_socket.conf.xml",
             "<configuration name=\"event_socket.conf\">\n"
             "  <settings><param name=\"password\" value=\"ClueCon\"/></settings>\n"
             "  <upstreams>\n"
             "    <param name=\"replay-events\" value=\"20\"/>\n"
             "    <upstream name=\"fs1\">\n"
             "      <param name=\"host\" value=\"127.0.0.1\"/>\n"
             "      <param name=\"port\" value=\"" +
                 std::to_string(upstream.port()) +
                 "\"/>\n"
                 "    </upstream>\n"
                 "  </upstreams>\n"
                 "</configuration>\n");
  DaemonProcess gateway(conf_args(conf));
  ASSERT_TRUE(gateway.listening());
  ASSERT_TRUE(gateway.wait_for_stderr(up_line("fs1", upstream.port()), 10s));
  TestClient publisher;
  ASSERT_TRUE(connect_and_auth(publisher, upstream.port()));

  std::string core_uuid, last_sequence;
  {
    TestClient first;
    ASSERT_TRUE(connect_and_auth(first, gateway.port()));
    subscribe(first, "event plain CUSTOM gw::replay");
    ASSERT_EQ(fire(publisher, "gw::replay", "seen").substr(0, 3), "+OK");
    auto seen = event_with(first, "Marker: seen");
    ASSERT_TRUE(seen);
    protocol::Message headers = protocol::parse_header_block(seen->message.body, true);
    ASSERT_TRUE(headers.header("Core-UUID") && headers.header("Event-Sequence"));
    core_uuid = *headers.header("Core-UUID");
    last_sequence = *headers.header("Event-Sequence");
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(fire(publisher, "gw::replay", "missed-" + std::to_string(i)).substr(0, 3), "+OK");
  }
  TestClient second;
  ASSERT_TRUE(connect_and_auth(second, gateway.port()));
  subscribe(second, "event plain CUSTOM gw::replay");
  std::this_thread::sleep_for(200ms);  // the missed events have reached the gateway's ring
  EXPECT_EQ(reply_text(second, "replay " + core_uuid + " " + last_sequence + "\n\n"),
            "+OK replayed 3 lost 0");
  for (int i = 0; i < 3; ++i) {
    auto missed = second.read_until(is_event);
    ASSERT_TRUE(missed);
    EXPECT_NE(missed->message.body.find("Marker: missed-" + std::to_string(i)), std::string::npos);
  }
  // More than the ring holds: what it still has, and how many are gone.
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(fire(publisher, "gw::replay", "flood-" + std::to_string(i)).substr(0, 3), "+OK");
  }
  std::this_thread::sleep_for(200ms);
  TestClient third;
  ASSERT_TRUE(connect_and_auth(third, gateway.port()));
  EXPECT_EQ(reply_text(third, "replay " + core_uuid + " " + last_sequence + "\n\n"),
            "+OK replayed 20 lost 13");
  EXPECT_EQ(reply_text(third, "replay 00000000-0000-0000-0000-000000000000 1\n\n"),
            "-ERR no events of Core-UUID 00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(reply_text(third, "replay nonsense\n\n"),
            "-ERR usage: replay <Core-UUID> <Event-Sequence>");
}

TEST(Gateway, UserauthRightsApplyInFrontOfTheUpstream) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  ConfDir conf;
  conf.write("autoload_configs/event_socket.conf.xml",
             event_socket_conf(param("password", "ClueCon")));
  conf.write("directory/default.xml",
             "<include>\n<domain name=\"gw.test\"><groups><group name=\"g\"><users>\n"
             "  <user id=\"narrow\"><params>\n"
             "    <param name=\"esl-password\" value=\"pw\"/>\n"
             "    <param name=\"esl-allowed-api\" value=\"status,global_getvar\"/>\n"
             "    <param name=\"esl-allowed-events\" value=\"BACKGROUND_JOB\"/>\n"
             "  </params></user>\n"
             "</users></group></groups></domain>\n</include>\n");
  DaemonProcess gateway(
      conf_args(conf, {"--upstream", "fs1=127.0.0.1:" + std::to_string(upstream.port())}));
  ASSERT_TRUE(gateway.listening());
  ASSERT_TRUE(gateway.wait_for_stderr(up_line("fs1", upstream.port()), 10s));
  TestClient narrow;
  ASSERT_TRUE(narrow.connect(gateway.port()));
  ASSERT_TRUE(read_greeting(narrow));
  auto accepted = reply_text(narrow, "userauth narrow@gw.test:pw\n\n");
  ASSERT_EQ(accepted, "+OK accepted");  // the <include> lines must stand alone
  EXPECT_NE(api(narrow, "status").find("UP "), std::string::npos);
  EXPECT_EQ(reply_text(narrow, "api global_setvar gw_owned=1\n\n"), "-ERR permission denied");
  EXPECT_EQ(reply_text(narrow, "api @fs1 global_setvar gw_owned=1\n\n"), "-ERR permission denied");
  EXPECT_EQ(reply_text(narrow, "bgapi originate null/1 &park()\n\n"), "-ERR permission denied");
  // Nothing reached the upstream.
  TestClient direct;
  ASSERT_TRUE(connect_and_auth(direct, upstream.port()));
  EXPECT_EQ(api(direct, "global_getvar gw_owned"), "-ERR no reply\n");  // never set
  EXPECT_EQ(api(direct, "show channels").find("1 total"), std::string::npos);
}

TEST(Gateway, UpstreamLogLinesReachLogClientsButNotTheGatewaysConsole) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  auto gateway = start_gateway({{"fs1", upstream.port()}});
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, gateway->port()));
  EXPECT_EQ(reply_text(client, "log warning\n\n"), "+OK log level warning [4]");
  // A wrong password makes the upstream log a WARNING.
  TestClient intruder;
  ASSERT_TRUE(intruder.connect(upstream.port()));
  ASSERT_TRUE(read_greeting(intruder));
  ASSERT_TRUE(intruder.send("auth not-the-password\n\n"));
  auto line = client.read_until([](const Frame& f) { return f.content_type() == "log/data"; });
  ASSERT_TRUE(line);
  EXPECT_NE(line->message.body.find("Rejected by authentication (auth)"), std::string::npos);
  EXPECT_EQ(*line->message.header("Log-Level"), "4");
  EXPECT_EQ(gateway->stderr_text().find("Rejected by authentication"), std::string::npos);
}

// A hostile upstream: speaks just enough of the protocol to be connected, then sends an event
// whose header name would break XML clients, a good event, and a frame announcing a body far over
// the limit. Each connection it accepts runs the same script.
class HostileUpstream {
 public:
  HostileUpstream() {
    listener_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { run(); });
  }
  ~HostileUpstream() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  int connections() const { return connections_; }

 private:
  static std::string event_frame(std::string_view body) {
    return "Content-Length: " + std::to_string(body.size()) +
           "\nContent-Type: text/event-plain\n\n" + std::string(body);
  }
  void run() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      int peer = ::accept(listener_, nullptr, nullptr);
      if (peer < 0) continue;
      ++connections_;
      serve(peer);
      ::close(peer);
    }
  }
  void serve(int peer) {
    send_all(peer, "Content-Type: auth/request\n\n");
    std::string input;
    char buffer[4096];
    auto next_command = [&]() -> std::string {
      for (;;) {
        if (auto end = input.find("\n\n"); end != std::string::npos) {
          std::string command = input.substr(0, end);
          input.erase(0, end + 2);
          return command;
        }
        pollfd ready{peer, POLLIN, 0};
        if (::poll(&ready, 1, 2000) <= 0) return {};
        ssize_t n = ::read(peer, buffer, sizeof buffer);
        if (n <= 0) return {};
        input.append(buffer, static_cast<std::size_t>(n));
      }
    };
    for (int i = 0; i < 4; ++i) {
      std::string command = next_command();
      if (command.empty()) return;
      if (command.starts_with("api ")) {
        send_all(peer, "Content-Type: api/response\nContent-Length: 10\n\n\n0 total.\n");
        break;
      }
      send_all(peer, "Content-Type: command/reply\nReply-Text: +OK\n\n");
    }
    send_all(peer, event_frame("Event-Name: CUSTOM\nEvent-Subclass: hostile%3A%3Abad\n"
                               "Bad<Name: x\n\n"));
    send_all(peer, event_frame("Event-Name: CUSTOM\nEvent-Subclass: hostile%3A%3Aok\n"
                               "Marker: good%0AEvent-Name: SPOOFED\n\n"));
    std::this_thread::sleep_for(100ms);  // the good event is handled before the bad frame
    send_all(peer, "Content-Length: 99999999999\nContent-Type: text/event-plain\n\n");
    std::this_thread::sleep_for(300ms);
  }

  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

TEST(Gateway, HostileUpstreamCannotSpoofEventsOrStopTheGateway) {
  HostileUpstream upstream;
  auto gateway = start_gateway({{"evil", upstream.port()}});
  ASSERT_TRUE(gateway->listening());
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, gateway->port()));
  subscribe(client, "event xml CUSTOM hostile::ok hostile::bad eventswitch::upstream");
  // Each connection of the upstream delivers one good event, then is dropped for its oversized
  // frame and reconnected.
  std::vector<Frame> skipped;
  auto good = client.read_until(
      [](const Frame& f) {
        return is_event(f) && f.message.body.find("hostile%3A%3Aok") != std::string::npos;
      },
      10s, &skipped);
  ASSERT_TRUE(good);
  // The decoded line break stays inside the value (XML values are URL-encoded, as FreeSWITCH
  // prints them): no second Event-Name element.
  EXPECT_NE(good->message.body.find("<Marker>good%0AEvent-Name%3A%20SPOOFED</Marker>"),
            std::string::npos)
      << good->message.body;
  auto down = event_with(client, "<Upstream-State>down</Upstream-State>", 10s);
  ASSERT_TRUE(down);
  auto again = event_with(client, "<Upstream-State>up</Upstream-State>", 10s);
  ASSERT_TRUE(again);
  auto good_again = event_with(client, "hostile%3A%3Aok", 10s);
  ASSERT_TRUE(good_again);
  for (const Frame& frame : skipped) {
    EXPECT_EQ(frame.message.body.find("hostile%3A%3Abad"), std::string::npos) << frame.message.body;
  }
  EXPECT_GE(upstream.connections(), 2);
  TestClient other;
  EXPECT_TRUE(connect_and_auth(other, gateway->port()));  // the gateway is still serving
}

TEST(Gateway, UnreadableUpstreamPasswordFileIsRefused) {
  RunResult result = run_daemon_binary(DaemonProcess::default_args(
      {"--upstream", "fs1=127.0.0.1:1", "--upstream-password-file", "/nonexistent/password"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot read a password from /nonexistent/password"), std::string::npos)
      << result.err;
}

TEST(Gateway, BadUpstreamArgumentIsRefused) {
  RunResult result = run_daemon_binary(DaemonProcess::default_args({"--upstream", "fs1=nohost"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("expected NAME=HOST:PORT"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace es::itest
