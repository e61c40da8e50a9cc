// The daemon started with --conf on a FreeSWITCH-style directory: the pre-processor feeding
// event_socket.conf, userauth against directory users and their restrictions (docs/wire-protocol.md
// §3.3, §5.10-5.15), reloadxml / SIGHUP, IPv6 listening and the command line itself.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <csignal>

#include "conf_dir.hpp"
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

constexpr std::string_view kLimitedEvents =
    "HEARTBEAT,BACKGROUND_JOB,RELOADXML,CUSTOM,my::allowed,other::ok";
constexpr std::string_view kLimitedApi = "status,uptime,bgapi";

// vars.xml sets the password and includes a second file that sets the domain; the directory
// and event_socket.conf only see them through $${...}.
void write_userauth_conf(const ConfDir& conf, std::string_view limited_password = "limpw") {
  conf.write("vars.xml",
             "<include>\n"
             "  <X-PRE-PROCESS cmd=\"set\" data=\"pw=Secret\"/>\n"
             "  <X-PRE-PROCESS cmd=\"include\" data=\"vars.d/*.xml\"/>\n"
             "</include>\n");
  conf.write("vars.d/domain.xml",
             "<include>\n"
             "  <X-PRE-PROCESS cmd=\"set\" data=\"domain=example.test\"/>\n"
             "</include>\n");
  conf.write("autoload_configs/event_socket.conf.xml",
             event_socket_conf(param("listen-ip", "127.0.0.1") + param("password", "$${pw}")));
  conf.write("directory/default.xml",
             "<include>\n"
             "  <domain name=\"$${domain}\">\n"
             "    <params><param name=\"esl-allowed-log\" value=\"true\"/></params>\n"
             "    <groups><group name=\"default\"><users>\n"
             "      <user id=\"full\"><params>\n"
             "        <param name=\"esl-password\" value=\"fullpw\"/>\n"
             "      </params></user>\n"
             "      <user id=\"limited\"><params>\n"
             "        <param name=\"esl-password\" value=\"" +
                 std::string(limited_password) +
                 "\"/>\n"
                 "        <param name=\"esl-allowed-events\" value=\"" +
                 std::string(kLimitedEvents) +
                 "\"/>\n"
                 "        <param name=\"esl-allowed-api\" value=\"" +
                 std::string(kLimitedApi) +
                 "\"/>\n"
                 "        <param name=\"esl-allowed-log\" value=\"false\"/>\n"
                 "      </params></user>\n"
                 "      <user id=\"nobgapi\"><params>\n"
                 "        <param name=\"esl-password\" value=\"nbpw\"/>\n"
                 "        <param name=\"esl-allowed-api\" value=\"status uptime\"/>\n"
                 "      </params></user>\n"
                 "    </users></group></groups>\n"
                 "  </domain>\n"
                 "</include>\n");
}

std::string userauth_success(std::string_view events, std::string_view api, bool log) {
  return "Content-Type: command/reply\nReply-Text: +OK accepted\nAllowed-Events: " +
         std::string(events) + "\nAllowed-API: " + std::string(api) +
         "\nAllowed-LOG: " + (log ? "true" : "false") + "\n\n";
}

void expect_goodbye_and_close(TestClient& client) {
  auto notice = client.read_frame();
  ASSERT_TRUE(notice) << "no disconnect notice";
  EXPECT_EQ(notice->raw, disconnect_frame(kGoodbyeBody));
  std::string extra;
  EXPECT_TRUE(client.expect_closed(kReadTimeout, &extra)) << "extra bytes: " << extra;
}

class ConfDirUserauthTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    write_userauth_conf(*conf_);
    daemon_ = std::make_unique<DaemonProcess>(conf_args(*conf_));
  }
  static void TearDownTestSuite() {
    DaemonSuite::TearDownTestSuite();
    conf_.reset();
  }

 protected:
  // Connects and sends `command` as the first packet; the reply is checked against `expected`.
  void userauth(TestClient& client, std::string_view command, const std::string& expected) {
    ASSERT_TRUE(client.connect(port()));
    ASSERT_TRUE(read_greeting(client));
    expect_reply(client, command, expected);
  }
  void limited(TestClient& client) {
    userauth(client, "userauth limited@example.test:limpw\n\n",
             userauth_success(kLimitedEvents, kLimitedApi, false));
  }

  static inline std::unique_ptr<ConfDir> conf_;
};

// The password comes from vars.xml through $${pw}; the literal text is not the password.
TEST_F(ConfDirUserauthTest, PasswordFromPreprocessorVariable) {
  TestClient good;
  ASSERT_TRUE(connect_and_auth(good, port(), "Secret"));
  for (std::string_view wrong : {"auth $${pw}\n\n", "auth ClueCon\n\n"}) {
    TestClient client;
    ASSERT_TRUE(client.connect(port()));
    ASSERT_TRUE(read_greeting(client));
    expect_reply(client, wrong, reply_frame("-ERR invalid"));
    expect_goodbye_and_close(client);
  }
  TestClient again;  // a success clears the delay added after failures
  connect_and_auth(again, port(), "Secret");
}

TEST_F(ConfDirUserauthTest, UnrestrictedUserAtDomainColonPassword) {
  TestClient client;
  userauth(client, "userauth full@example.test:fullpw\n\n", userauth_success("all", "all", true));
  expect_reply(client, "event plain ALL\n\n", reply_frame("+OK event listener enabled plain"));
  expect_reply(client, "log info\n\n", reply_frame("+OK log level info [6]"));
}

TEST_F(ConfDirUserauthTest, RestrictedUserColonPasswordAtDomain) {
  TestClient client;
  userauth(client, "userauth limited:limpw@example.test\n\n",
           userauth_success(kLimitedEvents, kLimitedApi, false));
}

TEST_F(ConfDirUserauthTest, FailuresAreInvalidThenGoodbye) {
  for (std::string_view command :
       {"userauth limited@example.test:LIMPW\n\n", "userauth limited@example.test\n\n",
        "userauth limited@example.test:\n\n", "userauth nobody@example.test:limpw\n\n",
        "userauth limited@other.test:limpw\n\n", "userauth @example.test:limpw\n\n",
        "userauth limited:limpw\n\n"}) {
    SCOPED_TRACE(command);
    TestClient client;
    userauth(client, command, reply_frame("-ERR invalid"));
    expect_goodbye_and_close(client);
  }
  TestClient good;
  limited(good);
}

TEST_F(ConfDirUserauthTest, EventTypesOutsideTheListAreDenied) {
  TestClient client;
  limited(client);
  expect_reply(client, "event plain CHANNEL_CREATE\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "event plain HEARTBEAT CHANNEL_ANSWER\n\n",
               reply_frame("-ERR permission denied"));
  expect_reply(client, "event json HEARTBEAT RELOADXML\n\n",
               reply_frame("+OK event listener enabled json"));
  expect_reply(client, "event plain BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
}

TEST_F(ConfDirUserauthTest, CustomSubclassesFollowTheList) {
  TestClient client;
  limited(client);
  expect_reply(client, "event plain CUSTOM my::denied\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "event plain CUSTOM other::ok my::denied\n\n",
               reply_frame("-ERR permission denied"));
  expect_reply(client, "event plain CUSTOM my::allowed\n\n",
               reply_frame("+OK event listener enabled plain"));

  // Only the allowed subclass it subscribed to is delivered.
  TestClient sender;
  ASSERT_TRUE(connect_and_auth(sender, port(), "Secret"));
  ASSERT_FALSE(send_event(sender, "CUSTOM", "Event-Subclass: my::denied\n").empty());
  ASSERT_FALSE(send_event(sender, "CUSTOM", "Event-Subclass: my::allowed\n").empty());
  auto event = client.read_frame();
  ASSERT_TRUE(event);
  ASSERT_TRUE(check_event_frame(*event, "plain"));
  EXPECT_EQ(plain_header(*event, "Event-Subclass"), expected_url_encode("my::allowed"));
}

TEST_F(ConfDirUserauthTest, ApiOutsideTheListIsDenied) {
  TestClient client;
  limited(client);
  expect_reply(client, "api version\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "api Status\n\n", reply_frame("-ERR permission denied"));
  // bgapi is allowed, but what it would run is checked too.
  expect_reply(client, "api bgapi version\n\n", reply_frame("-ERR permission denied"));
  ASSERT_TRUE(client.send("api uptime s\n\n"));
  auto uptime = client.read_frame();
  ASSERT_TRUE(uptime);
  EXPECT_EQ(uptime->content_type(), "api/response");
  ASSERT_TRUE(client.send("api status\n\n"));
  auto status = client.read_frame();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->content_type(), "api/response");
  EXPECT_EQ(status->message.body.rfind("UP ", 0), 0u) << status->raw;
}

TEST_F(ConfDirUserauthTest, BgapiCannotSmuggleAForbiddenCommand) {
  TestClient client;
  limited(client);
  expect_reply(client, "bgapi version\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "bgapi bgapi version\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "bgapi expand version\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "bgapi bgapi expand uptime\n\n", reply_frame("-ERR permission denied"));

  expect_reply(client, "event plain BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
  const std::string job = "7f3c2a10-0000-4000-8000-00000000c0f1";
  expect_reply(client, "bgapi uptime s\nJob-UUID: " + job + "\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job +
                   "\nJob-UUID: " + job + "\n\n");
  auto done = read_plain_event_with(client, "Job-UUID", job);
  ASSERT_TRUE(done) << "no BACKGROUND_JOB for the allowed command";
  EXPECT_EQ(plain_header(*done, "Event-Name"), "BACKGROUND_JOB");
}

// FreeSWITCH checks the command bgapi runs, not the word "bgapi" (mod_event_socket.c
// parse_command: auth_api_command(listener, api_cmd, arg) with api_cmd after "bgapi "), so a
// user allowed "status uptime" may `bgapi uptime`.
TEST_F(ConfDirUserauthTest, BgapiNeedsOnlyTheCommandItRunsInTheList) {
  TestClient client;
  userauth(client, "userauth nobgapi@example.test:nbpw\n\n",
           userauth_success("all", "status uptime", true));
  ASSERT_TRUE(client.send("bgapi uptime s\n\n"));
  auto reply = client.read_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->raw.rfind("Content-Type: command/reply\nReply-Text: +OK Job-UUID: ", 0), 0u)
      << reply->raw;
  expect_reply(client, "bgapi version\n\n", reply_frame("-ERR permission denied"));
  // "api bgapi ..." does need bgapi in the list.
  expect_reply(client, "api bgapi uptime\n\n", reply_frame("-ERR permission denied"));
}

// FreeSWITCH: ALL is a type like any other for a restricted user; without ALL in
// esl-allowed-events, `event ... ALL` is refused (parse_command: allowed_event_list[ALL]).
TEST_F(ConfDirUserauthTest, AllIsDeniedWhenNotInTheList) {
  TestClient client;
  limited(client);
  expect_reply(client, "event plain ALL\n\n", reply_frame("-ERR permission denied"));
}

TEST_F(ConfDirUserauthTest, LogIsDeniedWhenNotAllowed) {
  TestClient client;
  limited(client);
  expect_reply(client, "log\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "log debug\n\n", reply_frame("-ERR permission denied"));
  expect_reply(client, "nolog\n\n", reply_frame("-ERR not loging"));
}

// listen-port (and listen-ip) from pre-processor variables, with no command-line override.
TEST(ConfDirSettings, ListenPortFromVariable) {
  // Borrow a free port from the kernel; it stays free long enough for the daemon to take it.
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(probe, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length), 0);
  unsigned short free_port = ntohs(address.sin_port);
  close(probe);

  ConfDir conf;
  conf.write("vars.xml", "<include>\n  <X-PRE-PROCESS cmd=\"set\" data=\"esl_port=" +
                             std::to_string(free_port) +
                             "\"/>\n  <X-PRE-PROCESS cmd=\"set\" data=\"esl_ip=127.0.0.1\"/>\n"
                             "</include>\n");
  conf.write(
      "autoload_configs/event_socket.conf.xml",
      event_socket_conf(param("listen-ip", "$${esl_ip}") + param("listen-port", "$${esl_port}")));
  DaemonProcess daemon({"--conf", conf.path(), "--no-color", "--heartbeat-interval", "3600"});
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();
  EXPECT_EQ(daemon.port(), free_port);
  TestClient client;
  EXPECT_TRUE(connect_and_auth(client, daemon.port()));
}

// json-numeric-headers in event_socket.conf (docs/event-formats.md §4.5): `event json` then
// sends number-like header values as JSON numbers, as `event json-numeric` does.
TEST(ConfDirEventSocket, JsonNumericHeadersMakesJsonCarryNumbers) {
  ConfDir conf;
  conf.write(
      "autoload_configs/event_socket.conf.xml",
      event_socket_conf(param("listen-ip", "127.0.0.1") + param("json-numeric-headers", "true")));
  DaemonProcess daemon(
      {"--conf", conf.path(), "--listen-port", "0", "--no-color", "--heartbeat-interval", "3600"});
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, daemon.port()));
  ASSERT_TRUE(client.send("event json CUSTOM es::conf\n\n"));
  auto enabled = client.read_frame();
  ASSERT_TRUE(enabled);
  EXPECT_EQ(enabled->raw, reply_frame("+OK event listener enabled json-numeric"));
  ASSERT_FALSE(send_event(client, "CUSTOM", "Event-Subclass: es::conf\nX-Count: 7\n").empty());
  auto event = client.read_frame();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->content_type(), "text/event-json");
  EXPECT_NE(event->message.body.find(R"("X-Count":7,)"), std::string::npos) << event->message.body;
}

// reloadxml re-reads the directory (userauth sees new passwords at once) and fires RELOADXML;
// event_socket.conf, as in FreeSWITCH, is read only at startup. SIGHUP reloads as well.
TEST(ConfDirReload, ReloadxmlAndSighup) {
  ConfDir conf;
  write_userauth_conf(conf);
  DaemonProcess daemon(conf_args(conf));
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();

  TestClient subscriber;
  ASSERT_TRUE(connect_and_auth(subscriber, daemon.port(), "Secret"));
  ASSERT_TRUE(subscriber.send("event plain RELOADXML\n\n"));
  auto enabled = subscriber.read_frame();
  ASSERT_TRUE(enabled);
  EXPECT_EQ(enabled->raw, reply_frame("+OK event listener enabled plain"));

  write_userauth_conf(conf, "newpw");
  conf.write("vars.xml",
             "<include>\n"
             "  <X-PRE-PROCESS cmd=\"set\" data=\"pw=Changed\"/>\n"
             "  <X-PRE-PROCESS cmd=\"include\" data=\"vars.d/*.xml\"/>\n"
             "</include>\n");
  {
    TestClient admin;
    ASSERT_TRUE(connect_and_auth(admin, daemon.port(), "Secret"));
    ASSERT_TRUE(admin.send("api reloadxml\n\n"));
    auto reply = admin.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->raw, api_frame("+OK [Success]\n"));
  }
  auto reloaded = read_plain_event_with(subscriber, "Event-Name", "RELOADXML");
  ASSERT_TRUE(reloaded) << "no RELOADXML after api reloadxml";
  EXPECT_TRUE(check_event_frame(*reloaded, "plain"));

  {
    // The directory is new: only the new esl-password works.
    TestClient fresh;
    ASSERT_TRUE(fresh.connect(daemon.port()));
    ASSERT_TRUE(read_greeting(fresh));
    ASSERT_TRUE(fresh.send("userauth limited@example.test:newpw\n\n"));
    auto reply = fresh.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->raw, userauth_success(kLimitedEvents, kLimitedApi, false));
  }
  {
    TestClient stale;
    ASSERT_TRUE(stale.connect(daemon.port()));
    ASSERT_TRUE(read_greeting(stale));
    ASSERT_TRUE(stale.send("userauth limited@example.test:limpw\n\n"));
    auto reply = stale.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->raw, reply_frame("-ERR invalid"));
  }
  {
    // The event socket password is the one read at startup.
    TestClient old_password;
    EXPECT_TRUE(connect_and_auth(old_password, daemon.port(), "Secret"));
  }

  ASSERT_EQ(kill(daemon.pid(), SIGHUP), 0);
  auto by_signal = read_plain_event_with(subscriber, "Event-Name", "RELOADXML");
  ASSERT_TRUE(by_signal) << "no RELOADXML after SIGHUP";

  // A broken file: reloadxml names it, no RELOADXML, the previous configuration stays.
  conf.write("directory/broken.xml", "<include>\n  <domain name=x/>\n</include>\n");
  {
    TestClient admin;
    ASSERT_TRUE(connect_and_auth(admin, daemon.port(), "Secret"));
    ASSERT_TRUE(admin.send("api reloadxml\n\n"));
    auto reply = admin.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->content_type(), "api/response");
    EXPECT_EQ(reply->message.body.rfind("+OK [", 0), 0u) << reply->message.body;
    EXPECT_NE(reply->message.body, "+OK [Success]\n");
    EXPECT_NE(reply->message.body.find("broken.xml:2:"), std::string::npos) << reply->message.body;
  }
  {
    TestClient fresh;
    ASSERT_TRUE(fresh.connect(daemon.port()));
    ASSERT_TRUE(read_greeting(fresh));
    ASSERT_TRUE(fresh.send("userauth limited@example.test:newpw\n\n"));
    auto reply = fresh.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->raw, userauth_success(kLimitedEvents, kLimitedApi, false));
  }
  // Anything the subscriber received since is not a RELOADXML.
  ASSERT_TRUE(subscriber.send("noevents\n\n"));
  std::vector<Frame> skipped;
  auto off =
      subscriber.read_until([](const Frame& f) { return !is_event(f); }, kReadTimeout, &skipped);
  ASSERT_TRUE(off);
  EXPECT_EQ(off->raw, reply_frame("+OK no longer listening for events"));
  for (const auto& frame : skipped) {
    EXPECT_NE(plain_header(frame, "Event-Name"), "RELOADXML") << "after a failed reload";
  }
}

bool can_bind_ipv6_loopback() {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

TEST(ConfDirSettings, ListensOnIpv6Loopback) {
  if (!can_bind_ipv6_loopback()) GTEST_SKIP() << "::1 cannot be bound on this machine";
  DaemonProcess daemon(
      {"--listen-ip", "::1", "--listen-port", "0", "--no-color", "--heartbeat-interval", "3600"});
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();
  EXPECT_NE(daemon.stderr_text().find("listening on [::1]:"), std::string::npos);
  TestClient client;
  ASSERT_TRUE(client.connect(daemon.port(), "::1"));
  ASSERT_TRUE(read_greeting(client));
  ASSERT_TRUE(client.send("auth ClueCon\n\n"));
  auto accepted = client.read_frame();
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->raw, reply_frame("+OK accepted"));
  ASSERT_TRUE(client.send("api uuid_exists 1\n\n"));
  auto reply = client.read_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->raw, api_frame("false"));
  // Nothing listens on IPv4.
  TestClient v4;
  EXPECT_FALSE(v4.connect(daemon.port(), "127.0.0.1"));
}

std::size_t line_count(std::string_view text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (!text.empty() && text.back() != '\n') ++lines;
  return lines;
}

TEST(DaemonCommandLine, HelpListsConf) {
  auto run = run_daemon_binary({"--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("--conf"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--listen-port"), std::string::npos) << run.out;
}

TEST(DaemonCommandLine, VersionPrintsAVersion) {
  auto run = run_daemon_binary({"--version"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::string all = run.out + run.err;
  EXPECT_NE(all.find("eventswitch"), std::string::npos) << all;
  auto digit = all.find_first_of("0123456789");
  ASSERT_NE(digit, std::string::npos) << all;
  EXPECT_NE(all.find('.', digit), std::string::npos) << all;
}

TEST(DaemonCommandLine, MissingConfDirFailsNamingIt) {
  const std::string missing = "/nonexistent/es-conftest-missing";
  auto run = run_daemon_binary({"--conf", missing, "--listen-port", "0", "--no-color"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.exit_code, -1) << "did not exit";
  EXPECT_NE(run.err.substr(0, run.err.find('\n')).find(missing), std::string::npos) << run.err;
}

// CLI11's check on --conf adds "Run with --help for more information." as a second line.
TEST(DaemonCommandLine, MissingConfDirIsOneLineError) {
  const std::string missing = "/nonexistent/es-conftest-missing";
  auto run = run_daemon_binary({"--conf", missing, "--listen-port", "0", "--no-color"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(line_count(run.err), 1u) << run.err;
}

TEST(DaemonCommandLine, XmlSyntaxErrorNamesFileAndLine) {
  ConfDir conf;
  conf.write("vars.xml",
             "<include>\n  <X-PRE-PROCESS cmd=\"set\" data=\"pw=Secret\"/>\n</include>\n");
  conf.write("autoload_configs/event_socket.conf.xml",
             "<configuration name=\"event_socket.conf\">\n"
             "  <settings>\n"
             "    <param name=\"password\" value=\"$${pw}\"/>\n"
             "    <param name=\"debug\" value=1/>\n"
             "  </settings>\n"
             "</configuration>\n");
  auto run = run_daemon_binary({"--conf", conf.path(), "--listen-port", "0", "--no-color"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.exit_code, -1) << "did not exit";
  EXPECT_EQ(line_count(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("event_socket.conf.xml:4:"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace es::itest
