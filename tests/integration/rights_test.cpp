// Rights as a boundary (docs/security-rights.md): what a userauth user limited by
// esl-allowed-api / esl-allowed-events cannot reach, what an outbound application server
// without `full` cannot reach, and where files may be read and written.
#include <filesystem>
#include <fstream>
#include <thread>

#include "call_events.hpp"
#include "conf_dir.hpp"
#include "daemon_fixture.hpp"
#include "outbound_peer.hpp"

namespace es::itest {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNarrowApi =
    "status,uptime,eval,expand,json,sched_api,originate,uuid_kill";

std::string user_xml(std::string_view id, std::string_view password, std::string_view api,
                     std::string_view events) {
  std::string xml = "      <user id=\"" + std::string(id) + "\"><params>\n" +
                    "        <param name=\"esl-password\" value=\"" + std::string(password) +
                    "\"/>\n";
  if (!api.empty()) {
    xml += "        <param name=\"esl-allowed-api\" value=\"" + std::string(api) + "\"/>\n";
  }
  if (!events.empty()) {
    xml += "        <param name=\"esl-allowed-events\" value=\"" + std::string(events) + "\"/>\n";
  }
  return xml + "      </params></user>\n";
}

void write_rights_conf(const ConfDir& conf, std::string_view extra_params = {}) {
  conf.write("autoload_configs/event_socket.conf.xml",
             event_socket_conf(param("listen-ip", "127.0.0.1") + param("password", "ClueCon") +
                               std::string(extra_params)));
  conf.write("directory/default.xml",
             "<include>\n  <domain name=\"rights.test\">\n    <groups><group name=\"g\"><users>\n" +
                 user_xml("narrow", "pw", kNarrowApi, "") +
                 user_xml("watcher", "pw", "myevents,uuid_kill", "CHANNEL_HANGUP") +
                 user_xml("media", "pw", "", "") + user_xml("allevents", "pw", "", "ALL") +
                 "    </users></group></groups>\n  </domain>\n</include>\n");
  for (std::string_view dir : {"rec", "snd", "outside", "allowed"}) {
    fs::create_directories(fs::path(conf.path()) / dir);
  }
}

std::vector<std::string> rights_args(const ConfDir& conf) {
  return conf_args(conf,
                   {"--recording-dir", conf.path() + "/rec", "--sound-dir", conf.path() + "/snd"});
}

// Waits up to `timeout` for `path` to exist.
bool appears(const fs::path& path, std::chrono::milliseconds timeout = 2s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(20ms);
  }
  return fs::exists(path);
}

class RightsTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    write_rights_conf(*conf_);
    daemon_ = std::make_unique<DaemonProcess>(rights_args(*conf_));
  }
  static void TearDownTestSuite() {
    DaemonSuite::TearDownTestSuite();
    conf_.reset();
  }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(control_, port()));
  }
  void TearDown() override {
    for (const auto& uuid : calls_) api(control_, "uuid_kill " + uuid);
  }
  void login(TestClient& client, std::string_view user) {
    ASSERT_TRUE(client.connect(port()));
    ASSERT_TRUE(read_greeting(client));
    ASSERT_TRUE(client.send("userauth " + std::string(user) + "@rights.test:pw\n\n"));
    auto reply = client.read_frame();
    ASSERT_TRUE(reply);
    ASSERT_NE(reply->raw.find("Reply-Text: +OK accepted"), std::string::npos) << reply->raw;
  }
  // A parked call made by the password client.
  std::string parked_call() {
    std::string uuid = ok_uuid(api(control_, "originate null/1 &park()"));
    if (!uuid.empty()) calls_.push_back(uuid);
    return uuid;
  }
  // `api` on a userauth connection: the api/response body, or the command/reply text.
  static std::string api_on(TestClient& client, std::string_view command,
                            std::string_view headers = {}) {
    if (!client.send("api " + std::string(command) + "\n" + std::string(headers) + "\n")) {
      return "<send failed>";
    }
    auto frame = client.read_frame();
    if (!frame) return "<no reply>";
    if (frame->content_type() == "api/response") return frame->message.body;
    const std::string* text = frame->message.header("Reply-Text");
    return text ? *text : frame->raw;
  }
  static std::string reply_to(TestClient& client, std::string_view packet) {
    if (!client.send(packet)) return "<send failed>";
    auto frame = client.read_frame();
    if (!frame) return "<no reply>";
    const std::string* text = frame->message.header("Reply-Text");
    return text ? *text : frame->raw;
  }
  static fs::path dir(std::string_view name) { return fs::path(conf_->path()) / name; }

  TestClient control_;
  std::vector<std::string> calls_;
  static inline std::unique_ptr<ConfDir> conf_;
};

// ---- point 4: userauth rights ------------------------------------------------------------

TEST_F(RightsTest, ConsoleExecuteChecksEveryPart) {
  TestClient client;
  login(client, "narrow");
  EXPECT_EQ(api_on(client, "status;;version", "console_execute: true\n"), "-ERR permission denied");
  EXPECT_EQ(api_on(client, "uptime s;;status;;version", "console_execute: true\n"),
            "-ERR permission denied");
  std::string both = api_on(client, "uptime s;;uptime m", "console_execute: true\n");
  EXPECT_EQ(both.find("-ERR"), std::string::npos) << both;
}

TEST_F(RightsTest, EvalExpandAndJsonCannotReachUnlistedCommands) {
  std::string version = api(control_, "version");
  ASSERT_FALSE(version.empty());
  version = version.substr(0, version.find('\n'));
  TestClient client;
  login(client, "narrow");
  for (std::string_view command : {"eval [${version()}]", "expand eval [${version()}]",
                                   "json {\"command\":\"fsapi\",\"data\":{\"cmd\":\"version\"}}"}) {
    std::string body = api_on(client, command);
    EXPECT_EQ(body.find(version), std::string::npos) << command << ": " << body;
  }
  // A listed command inside is still reached.
  std::string status = api_on(client, "eval [${uptime(s)}]");
  EXPECT_NE(status, "[]\n") << status;
}

TEST_F(RightsTest, SchedApiRunsLaterWithTheUsersRights) {
  TestClient client;
  login(client, "narrow");
  std::string added = api_on(client, "sched_api +1 none eval ${global_setvar(rights_sched=user)}");
  EXPECT_EQ(added.rfind("+OK Added: ", 0), 0u) << added;
  api(control_, "sched_api +1 none eval ${global_setvar(rights_sched_full=yes)}");
  auto deadline = std::chrono::steady_clock::now() + 4s;
  while (api(control_, "global_getvar rights_sched_full") != "yes" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(api(control_, "global_getvar rights_sched_full"), "yes");
  EXPECT_EQ(api(control_, "global_getvar rights_sched"), "-ERR no reply\n");  // unset
}

TEST_F(RightsTest, SocketCommandsMustBeListed) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  TestClient client;
  login(client, "narrow");
  EXPECT_EQ(reply_to(client, "sendmsg " + uuid + "\ncall-command: hangup\n\n"),
            "-ERR permission denied");
  EXPECT_EQ(reply_to(client, "sendevent CUSTOM\nEvent-Subclass: rights::x\n\n"),
            "-ERR permission denied");
  EXPECT_EQ(reply_to(client, "myevents " + uuid + "\n\n"), "-ERR permission denied");
  EXPECT_EQ(api(control_, "uuid_exists " + uuid), "true");

  TestClient watcher;
  login(watcher, "watcher");
  EXPECT_EQ(reply_to(watcher, "myevents " + uuid + "\n\n"), "+OK Events Enabled");
  EXPECT_EQ(reply_to(watcher, "divert_events on\n\n"), "-ERR permission denied");
  EXPECT_EQ(api(control_, "uuid_setvar " + uuid + " rights_v hello"), "+OK\n");
  EXPECT_EQ(reply_to(watcher, "getvar rights_v\n\n"), "-ERR permission denied");
}

TEST_F(RightsTest, MyeventsAndFiltersDeliverOnlyAllowedEvents) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  TestClient watcher;
  login(watcher, "watcher");
  EXPECT_EQ(reply_to(watcher, "myevents " + uuid + "\n\n"), "+OK Events Enabled");
  EXPECT_EQ(reply_to(watcher, "filter Unique-ID " + uuid + "\n\n"),
            "+OK filter added. [Unique-ID]=[" + uuid + "]");
  EXPECT_EQ(api(control_, "uuid_broadcast " + uuid + " silence_stream://20"), "+OK Message sent\n");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  auto first = watcher.read_frame();
  ASSERT_TRUE(first);
  EXPECT_EQ(plain_header(*first, "Event-Name"), "CHANNEL_HANGUP") << first->raw;
}

// ALL in esl-allowed-events delivers everything, custom subclasses included (a guard for the
// delivery-time check above).
TEST_F(RightsTest, AllowedEventsAllStillDeliversCustomSubclasses) {
  TestClient client;
  login(client, "allevents");
  EXPECT_EQ(reply_to(client, "event plain ALL\n\n"), "+OK event listener enabled plain");
  ASSERT_FALSE(send_event(control_, "CUSTOM", "Event-Subclass: rights::any\n").empty());
  auto event = client.read_until(
      [](const Frame& f) { return plain_header(f, "Event-Subclass") == "rights%3A%3Aany"; });
  EXPECT_TRUE(event.has_value());
}

// ---- point 5: outbound servers without `full` ---------------------------------------------

class OutboundRightsTest : public RightsTest {
 protected:
  void SetUp() override {
    RightsTest::SetUp();
    ASSERT_TRUE(peer_.listen());
  }
  // A call whose inline dialplan connects to peer_ with `mode` ("", "async", "full"...);
  // accepted and connected.
  std::string outbound_call(std::string_view mode) {
    std::string uuid =
        ok_uuid(api(control_, "originate null/1 'socket:127.0.0.1:" + std::to_string(peer_.port()) +
                                  " " + std::string(mode) + "' inline"));
    if (uuid.empty() || !peer_.accept() || !peer_.send("connect\n\n") || !peer_.read_message()) {
      ADD_FAILURE() << "no outbound connection";
      return {};
    }
    calls_.push_back(uuid);
    return uuid;
  }
  std::string peer_reply(std::string_view packet) {
    if (!peer_.send(packet)) return "<send failed>";
    return reply_text(peer_.read_non_event());
  }
  static std::string execute(std::string_view app, std::string_view arg) {
    return "sendmsg\ncall-command: execute\nexecute-app-name: " + std::string(app) +
           "\nexecute-app-arg: " + std::string(arg) + "\n\n";
  }

  OutboundPeer peer_;
};

TEST_F(OutboundRightsTest, SendmsgToAnotherCallIsRefusedWithoutFull) {
  std::string other = parked_call();
  ASSERT_FALSE(other.empty());
  ASSERT_FALSE(outbound_call("").empty());
  EXPECT_EQ(peer_reply("sendmsg " + other + "\ncall-command: hangup\n\n"),
            "-ERR permission denied");
  EXPECT_EQ(peer_reply("sendmsg\nSession-ID: " + other + "\ncall-command: hangup\n\n"),
            "-ERR permission denied");
  EXPECT_EQ(api(control_, "uuid_exists " + other), "true");
}

TEST_F(OutboundRightsTest, SendmsgToAnotherCallWorksWithFull) {
  std::string other = parked_call();
  ASSERT_FALSE(other.empty());
  ASSERT_FALSE(outbound_call("async full").empty());
  EXPECT_EQ(peer_reply("sendmsg " + other + "\ncall-command: hangup\n\n"), "+OK");
}

TEST_F(OutboundRightsTest, SocketApplicationIsRefusedWithoutFull) {
  OutboundPeer second;
  ASSERT_TRUE(second.listen());
  std::string uuid = outbound_call("");
  ASSERT_FALSE(uuid.empty());
  // Static mode: the reply comes once the application is over (refused at once here).
  EXPECT_EQ(
      peer_reply(execute("socket", "127.0.0.1:" + std::to_string(second.port()) + " async full")),
      "+OK");
  EXPECT_FALSE(second.accept(500ms)) << "the socket application connected";
  EXPECT_EQ(api(control_, "uuid_exists " + uuid), "true");  // the call goes on
}

TEST_F(OutboundRightsTest, GetvarSeesNoGlobalsWithoutFull) {
  ASSERT_EQ(api(control_, "global_setvar rights_global=secret"), "+OK");
  ASSERT_FALSE(outbound_call("").empty());
  EXPECT_EQ(peer_reply("getvar rights_global\n\n"), "-ERR command not found");
  EXPECT_EQ(peer_reply("getvar socket_host\n\n"), "127.0.0.1");  // its own call: fine
  // Nor through an expansion's API call.
  EXPECT_EQ(peer_reply(execute("set", "copied=${global_getvar(rights_global)}")), "+OK");
  EXPECT_EQ(peer_reply("getvar copied\n\n"), "-ERR command not found");
  EXPECT_EQ(peer_reply(execute("set", "stamp=${strftime(%Y)}")), "+OK");
  EXPECT_NE(peer_reply("getvar stamp\n\n"), "-ERR command not found");
}

TEST_F(OutboundRightsTest, GetvarSeesGlobalsWithFull) {
  ASSERT_EQ(api(control_, "global_setvar rights_global=secret"), "+OK");
  ASSERT_FALSE(outbound_call("full").empty());
  EXPECT_EQ(peer_reply("getvar rights_global\n\n"), "secret");
}

TEST_F(OutboundRightsTest, FilesStayInTheRecordingsDirectoryWithoutFull) {
  std::string uuid = outbound_call("");
  ASSERT_FALSE(uuid.empty());
  fs::path outside = dir("outside") / "outbound.wav";
  EXPECT_EQ(peer_reply(execute("record", outside.string() + " 1")), "+OK");
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_EQ(api(control_, "uuid_exists " + uuid), "true");
  fs::path inside = dir("rec") / "outbound.wav";
  EXPECT_EQ(peer_reply(execute("record", inside.string() + " 1")), "+OK");
  EXPECT_TRUE(fs::exists(inside));
}

TEST_F(OutboundRightsTest, FilesGoAnywhereWithFull) {
  ASSERT_FALSE(outbound_call("full").empty());
  fs::path outside = dir("outside") / "outbound_full.wav";
  EXPECT_EQ(peer_reply(execute("record", outside.string() + " 1")), "+OK");
  EXPECT_TRUE(fs::exists(outside));
}

// A userauth user may not gain rights by making a call connect to its own server with `full`.
TEST_F(OutboundRightsTest, SocketStartedByAConfinedUserInheritsItsRights) {
  TestClient client;
  login(client, "narrow");
  std::string uuid =
      ok_uuid(api_on(client, "originate null/1 '&socket(127.0.0.1:" + std::to_string(peer_.port()) +
                                 " async full)'"));
  ASSERT_FALSE(uuid.empty());
  calls_.push_back(uuid);
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n") && peer_.read_message());
  EXPECT_EQ(peer_reply("api version\n\n"), "-ERR permission denied");
  EXPECT_EQ(peer_reply("sendmsg\ncall-command: hangup\n\n"), "-ERR permission denied");
  EXPECT_NE(peer_reply("api uptime s\n\n"), "-ERR permission denied");
}

// ---- point 6: files --------------------------------------------------------------------

TEST_F(RightsTest, UserauthRecordsOnlyInTheRecordingsDirectory) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  TestClient client;
  login(client, "media");
  auto record = [&](const fs::path& path) {
    return reply_to(client, "sendmsg " + uuid +
                                "\ncall-command: execute\nexecute-app-name: record\n"
                                "execute-app-arg: " +
                                path.string() + " 1\n\n");
  };
  fs::path outside = dir("outside") / "userauth.wav";
  fs::path climbing = dir("rec") / ".." / "outside" / "climbing.wav";
  EXPECT_EQ(record(outside), "+OK");
  EXPECT_EQ(record(climbing), "+OK");
  fs::path inside = dir("rec") / "userauth.wav";
  EXPECT_EQ(record(inside), "+OK");
  EXPECT_TRUE(appears(inside)) << "the call stopped working after the refusals";
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_FALSE(fs::exists(dir("outside") / "climbing.wav"));
}

// tone_stream://path=<file> reads a file too: the same rule.
TEST_F(RightsTest, ToneScriptFilesFollowTheFileRule) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  for (std::string_view where : {"outside", "snd"}) {
    std::ofstream(dir(where) / "tones.txt") << "%(100,0,440)\n";
  }
  TestClient client;
  login(client, "media");
  auto play = [&](std::string_view where) {
    EXPECT_EQ(reply_to(client, "sendmsg " + uuid +
                                   "\ncall-command: execute\nexecute-app-name: playback\n"
                                   "execute-app-arg: tone_stream://path=" +
                                   (dir(where) / "tones.txt").string() + "\n\n"),
              "+OK");
  };
  auto played_ms = [&] {
    std::string value;
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while ((value = api(control_, "uuid_getvar " + uuid + " playback_ms")) == "_undef_" &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    return value;
  };
  play("outside");
  EXPECT_EQ(played_ms(), "_undef_");
  play("snd");
  EXPECT_EQ(played_ms(), "100");
}

TEST_F(RightsTest, SymlinkOutOfTheRecordingsDirectoryIsRefused) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  std::error_code ec;
  fs::create_directory_symlink(dir("outside"), dir("rec") / "link", ec);
  ASSERT_FALSE(ec) << ec.message();
  TestClient client;
  login(client, "media");
  EXPECT_EQ(api_on(client, "uuid_record " + uuid + " start " +
                               (dir("rec") / "link" / "linked.wav").string()),
            "-ERR permission denied: [" + (dir("rec") / "link" / "linked.wav").string() +
                "] is outside the allowed directories\n");
  EXPECT_FALSE(fs::exists(dir("outside") / "linked.wav"));
}

TEST_F(RightsTest, UserauthApiFileArgumentsGetAClearError) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  TestClient client;
  login(client, "media");
  fs::path outside = dir("outside") / "api.wav";
  EXPECT_EQ(
      api_on(client, "uuid_record " + uuid + " start " + outside.string()),
      "-ERR permission denied: [" + outside.string() + "] is outside the allowed directories\n");
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_EQ(api_on(client, "uuid_broadcast " + uuid + " /etc/passwd"),
            "-ERR permission denied: [/etc/passwd] is outside the allowed directories\n");
  EXPECT_EQ(api_on(client, "uuid_displace " + uuid + " start /etc/passwd"),
            "-ERR permission denied: [/etc/passwd] is outside the allowed directories\n");
  fs::path inside = dir("rec") / "api.wav";
  EXPECT_EQ(api_on(client, "uuid_record " + uuid + " start " + inside.string()), "+OK Success\n");
  EXPECT_TRUE(appears(inside));
}

TEST_F(RightsTest, CallsAUserauthUserStartedOrTransferredStayConfined) {
  TestClient client;
  login(client, "media");
  fs::path originated = dir("outside") / "originated.wav";
  std::string uuid =
      ok_uuid(api_on(client, "originate null/1 &record(" + originated.string() + ")"));
  ASSERT_FALSE(uuid.empty());
  calls_.push_back(uuid);

  // A call the password client made, transferred by the user into an inline dialplan: the
  // user's rules came along (no variable to unset: uuid_setvar cannot shed them).
  std::string parked = parked_call();
  ASSERT_FALSE(parked.empty());
  fs::path transferred = dir("outside") / "transferred.wav";
  api_on(client, "uuid_setvar " + parked + " access_policy none");
  EXPECT_EQ(
      api_on(client, "uuid_transfer " + parked + " 'record:" + transferred.string() + " 1' inline"),
      "+OK\n");
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(fs::exists(originated));
  EXPECT_FALSE(fs::exists(transferred));
}

// `uuid_transfer <uuid> -bleg` reaches the bridged partner: it is confined as well.
TEST_F(RightsTest, BridgedPartnerOfANamedCallIsConfined) {
  std::string a = parked_call();
  std::string b = parked_call();
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  ASSERT_EQ(api(control_, "uuid_bridge " + a + " " + b), "+OK " + b + "\n");
  std::this_thread::sleep_for(200ms);  // the bridge application takes over both legs
  TestClient client;
  login(client, "media");
  fs::path outside = dir("outside") / "partner.wav";
  EXPECT_EQ(
      api_on(client, "uuid_transfer " + a + " -bleg 'record:" + outside.string() + " 1' inline"),
      "+OK\n");
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(fs::exists(outside));
}

// loopback's B leg runs what the originator chose (here an application): confined too.
TEST_F(RightsTest, LoopbackPartnerOfAConfinedCallIsConfined) {
  TestClient client;
  login(client, "media");
  fs::path outside = dir("outside") / "loopback.wav";
  fs::path inside = dir("rec") / "loopback.wav";
  for (const fs::path& path : {outside, inside}) {
    // The refused B leg may hang up before A is answered: the originate may then fail.
    std::string reply =
        api_on(client, "originate loopback/app=record:" + path.string() + " &park()");
    if (reply.starts_with("+OK ")) calls_.push_back(reply.substr(4, reply.size() - 5));
    if (path == inside) {
      ASSERT_TRUE(reply.starts_with("+OK ")) << reply;
    }
  }
  EXPECT_TRUE(appears(inside));
  EXPECT_FALSE(fs::exists(outside));
}

TEST_F(RightsTest, PasswordClientKeepsItsFreedomByDefault) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  fs::path outside = dir("outside") / "password.wav";
  EXPECT_EQ(api(control_, "uuid_record " + uuid + " start " + outside.string()), "+OK Success\n");
  EXPECT_TRUE(appears(outside));
}

// allowed-file-dirs in event_socket.conf confines everybody, the password client included.
class AllowedFileDirsTest : public RightsTest {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    write_rights_conf(*conf_,
                      param("allowed-file-dirs", " " + conf_->path() + "/allowed ; /nonexistent"));
    daemon_ = std::make_unique<DaemonProcess>(rights_args(*conf_));
  }
};

TEST_F(AllowedFileDirsTest, ConfinesThePasswordClient) {
  std::string uuid = parked_call();
  ASSERT_FALSE(uuid.empty());
  fs::path recordings = dir("rec") / "operator.wav";
  EXPECT_EQ(
      api(control_, "uuid_record " + uuid + " start " + recordings.string()),
      "-ERR permission denied: [" + recordings.string() + "] is outside the allowed directories\n");
  fs::path allowed = dir("allowed") / "operator.wav";
  EXPECT_EQ(api(control_, "uuid_record " + uuid + " start " + allowed.string()), "+OK Success\n");
  EXPECT_TRUE(appears(allowed));
  EXPECT_FALSE(fs::exists(recordings));
}

}  // namespace
}  // namespace es::itest
