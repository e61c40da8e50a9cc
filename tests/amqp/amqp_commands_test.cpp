// Commands profile (API commands in, JSON replies out, an allowed-commands list refusing the
// rest, oversized messages refused) and logging profile (mod_amqp's log routing keys and JSON).
#include <gtest/gtest.h>

#include <string>

#include "amqp_consumers.hpp"
#include "amqp_fixture.hpp"

namespace es::amqptest {
namespace {

struct Reply {
  std::string output;
  std::string command;
  std::string status;
};

std::optional<Reply> next_reply(NodeConsumer& replies) {
  auto message = replies.next(10s);
  if (!message) return std::nullopt;
  EXPECT_EQ(message->content_type, "text/json");
  auto json = client::parse_json_event(message->body);
  if (!json) return std::nullopt;
  return Reply{std::string(json->header_or("output")), std::string(json->header_or("command")),
               std::string(json->header_or("status"))};
}

TEST_F(AmqpExport, CommandsRunWithRepliesAndRefusals) {
  std::string why;
  if (!NodeConsumer::available(&why)) GTEST_SKIP() << why;
  const unsigned short port = g_broker_a->port();
  Switch sw(amqp_conf({},
                      profile("ops", {connection("primary", port)},
                              {{"exchange-name", "TAP.Commands"},
                               {"binding_key", "ops.cmd"},
                               {"allowed-commands", "echo,status,amqp"}}),
                      profile("logs", {connection("primary", port)},
                              {{"exchange-name", "TAP.Logging"}, {"log-levels", "info"}})),
            "cmdhost");
  ASSERT_TRUE(sw.ok());
  ASSERT_TRUE(sw.wait_status("commands ops CONNECTED primary")) << sw.last_status();
  ASSERT_TRUE(sw.wait_status("logging logs CONNECTED primary")) << sw.last_status();
  NodeConsumer replies(g_broker_a->url(), "amq.topic", "replies.#");
  ASSERT_TRUE(replies.ready());
  NodeConsumer logs(g_broker_a->url(), "TAP.Logging", "cmdhost.*.INFO.command_consumer_cpp");
  ASSERT_TRUE(logs.ready());
  const std::vector<std::string> reply_headers = {"x-fs-api-resp-exchange: amq.topic",
                                                  "x-fs-api-resp-key: replies.1"};

  ASSERT_TRUE(tool_publish(port, "TAP.Commands", "ops.cmd", "echo hello amqp", reply_headers));
  auto reply = next_reply(replies);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->output, "hello amqp");
  EXPECT_EQ(reply->command, "echo hello amqp");
  EXPECT_EQ(reply->status, "0");

  // Not in the allowed list: refused, whatever it would have done.
  ASSERT_TRUE(tool_publish(port, "TAP.Commands", "ops.cmd", "fsctl shutdown", reply_headers));
  reply = next_reply(replies);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->output, "-ERR permission denied\n");
  EXPECT_EQ(reply->command, "fsctl shutdown");
  EXPECT_EQ(reply->status, "1");
  // Wrapped in an allowed-looking console line: each part is checked.
  ASSERT_TRUE(
      tool_publish(port, "TAP.Commands", "ops.cmd", "echo a;;fsctl shutdown", reply_headers));
  reply = next_reply(replies);
  ASSERT_TRUE(reply);
  EXPECT_NE(reply->output.find("-ERR permission denied"), std::string::npos) << reply->output;

  // Over the size bound: refused without running.
  ASSERT_TRUE(tool_publish(port, "TAP.Commands", "ops.cmd", "echo " + std::string(20000, 'x'),
                           reply_headers));
  reply = next_reply(replies);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->output, "-ERR command longer than 10240 bytes\n");
  EXPECT_EQ(reply->status, "1");

  // Not text/plain: ignored, as mod_amqp ignores it (no reply; counted as refused).
  ASSERT_TRUE(tool_publish(port, "TAP.Commands", "ops.cmd", "echo json", reply_headers,
                           "application/json"));
  // Without reply headers: runs, nothing published.
  ASSERT_TRUE(tool_publish(port, "TAP.Commands", "ops.cmd", "echo quiet"));
  ASSERT_TRUE(tool_publish(port, "TAP.Commands", "ops.cmd", "amqp status", reply_headers));
  reply = next_reply(replies);
  ASSERT_TRUE(reply);
  EXPECT_NE(reply->output.find("commands ops CONNECTED primary published=0 queued=0 dropped=0 "
                               "connects=1 received=7 refused=4"),
            std::string::npos)
      << reply->output;
  EXPECT_NE(sw.api("status").find("UP "), std::string::npos) << "the switch runs on";

  // The INFO line each command logs, through the logging profile.
  auto line = logs.next(10s);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->routing_key, "cmdhost.(null).INFO.command_consumer_cpp");
  EXPECT_EQ(line->content_type, "application/json");
  auto body = client::parse_json_event(line->body);
  ASSERT_TRUE(body) << line->body;
  EXPECT_EQ(body->header_or("file"), "command_consumer.cpp");
  EXPECT_EQ(body->header_or("function"), "handle");
  EXPECT_EQ(body->header_or("level"), "INFO");
  EXPECT_EQ(body->header_or("content"), "amqp commands ops: executing: echo hello amqp\n");
  EXPECT_GT(std::atof(std::string(body->header_or("timestamp_epoch")).c_str()), 1.7e9);
  EXPECT_EQ(body->header_or("timestamp").size(), 26u);
  EXPECT_GT(std::atoi(std::string(body->header_or("line")).c_str()), 0);
  EXPECT_EQ(line->body.substr(0, 11), "{\n\t\"file\":\t");
}

}  // namespace
}  // namespace es::amqptest
