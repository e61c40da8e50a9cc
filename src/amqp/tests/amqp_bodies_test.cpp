// The message bodies that are not the event JSON: log lines and command replies, laid out
// as cJSON_Print lays them out in mod_amqp.
#include <gtest/gtest.h>

#include <cstdlib>

#include "amqp/command_consumer.hpp"
#include "amqp/log_publisher.hpp"

namespace es::amqp {
namespace {

TEST(AmqpBodies, CommandReply) {
  EXPECT_EQ(command_reply_json("+OK \"x\"\n", "echo \"x\"", 0),
            "{\n\t\"output\":\t\"+OK \\\"x\\\"\\n\",\n\t\"command\":\t\"echo \\\"x\\\"\",\n"
            "\t\"status\":\t0\n}");
}

TEST(AmqpBodies, LogLineKeyAndBody) {
  setenv("TZ", "UTC", 1);
  tzset();
  core::LogLine line{.level = 4,
                     .file = "switch_core.c",
                     .function = "f",
                     .line = 42,
                     .user_data = {},
                     .message = "tab\there",
                     .epoch_us = 1741083630123456};
  EXPECT_EQ(log_routing_key("pbx1", line), "pbx1.(null).WARNING.switch_core_c");
  line.user_data = "uuid-1";
  EXPECT_EQ(log_routing_key("pbx1", line), "pbx1.uuid-1.WARNING.switch_core_c");
  EXPECT_EQ(log_json_body(line),
            "{\n\t\"file\":\t\"switch_core.c\",\n\t\"function\":\t\"f\",\n\t\"line\":\t42,\n"
            "\t\"level\":\t\"WARNING\",\n\t\"timestamp\":\t\"2025-03-04 10:20:30.123456\",\n"
            "\t\"timestamp_epoch\":\t1741083630.123456,\n\t\"content\":\t\"tab\\there\\n\"\n}");
}

}  // namespace
}  // namespace es::amqp
