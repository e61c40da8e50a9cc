#include "core/commands/json_value.hpp"
#include "core/commands/tests/command_test_fixture.hpp"

namespace es::core::commands {
namespace {

class JsonCommandTest : public CommandTest {};

TEST_F(JsonCommandTest, Errors) {
  EXPECT_EQ(run("json", ""), "-ERR No JSON supplied.\n");
  EXPECT_EQ(run("json", "{nope"), "-ERR Parse error.\n");
  EXPECT_EQ(run("json", "{\"command\":\"nosuch\",\"data\":\"\"}"),
            "{\"command\":\"nosuch\",\"data\":\"\",\"status\":\"error\",\"message\":"
            "\"Invalid request or non-existant command\",\"response\":null}\n");
  // Without "data" even a known command is refused.
  EXPECT_EQ(run("json", "{\"command\":\"status\"}"),
            "{\"command\":\"status\",\"status\":\"error\",\"message\":"
            "\"Invalid request or non-existant command\",\"response\":null}\n");
}

TEST_F(JsonCommandTest, Fsapi) {
  EXPECT_EQ(run("json", R"({"command":"fsapi","data":{"cmd":"md5","arg":"abc"}})"),
            R"({"command":"fsapi","data":{"cmd":"md5","arg":"abc"},"status":"success",)"
            R"("response":{"message":"900150983cd24fb0d6963f7d28e17f72"}})"
            "\n");
  EXPECT_EQ(run("json", R"({"command":"fsapi","data":{"cmd":"nosuch"}})"),
            R"({"command":"fsapi","data":{"cmd":"nosuch"},"status":"error",)"
            R"("message":"The command returned an error","response":{"message":"INVALID CALL"}})"
            "\n");
  EXPECT_EQ(run("json", R"({"command":"fsapi","data":""})"),
            R"({"command":"fsapi","data":"","status":"success",)"
            R"("response":{"message":"INVALID CALL"}})"
            "\n");
}

TEST_F(JsonCommandTest, StatusAndPrettyFormat) {
  rt_.identity().start_epoch_us = kTestStartUs;
  clock_->advance_us(61000000);
  std::string out = run("json", R"({"command":"status","data":""})");
  EXPECT_EQ(
      out.substr(0, 120),
      R"({"command":"status","data":"","status":"success","response":{"systemStatus":"ready",)"
      R"("uptime":{"years":0,"days":0,"hours")");
  EXPECT_NE(out.find(R"("minutes":1,"seconds":1,)"), std::string::npos);
  EXPECT_NE(out.find(R"("version":"1.11.3-dev  64bit")"), std::string::npos);
  EXPECT_NE(out.find(R"("count":{"total":0,"active":0,"peak":0,"peak5Min":0,"limit":1000})"),
            std::string::npos);
  std::string pretty =
      run("json", R"({"command":"fsapi","format":"pretty","data":{"cmd":"md5","arg":"a"}})");
  EXPECT_EQ(pretty,
            "{\n\t\"command\":\t\"fsapi\",\n\t\"format\":\t\"pretty\",\n\t\"data\":\t{\n"
            "\t\t\"cmd\":\t\"md5\",\n\t\t\"arg\":\t\"a\"\n\t},\n\t\"status\":\t\"success\",\n"
            "\t\"response\":\t{\n\t\t\"message\":\t\"0cc175b9c0f1b6a831c399e269772661\"\n\t}\n}\n");
}

TEST(JsonValueTest, ParseAndPrintLikeCJson) {
  auto value =
      JsonValue::parse(" {\"a\":[1,2.5,-3e2,true,false,null],\"B\":\"x\\u00e9\\n\"} trailing");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->print_unformatted(),
            "{\"a\":[1,2.5,-300,true,false,null],\"B\":\"x\xc3\xa9\\n\"}");
  ASSERT_NE(value->member("b"), nullptr);  // lookups ignore case
  EXPECT_EQ(value->member("b")->as_string(), "x\xc3\xa9\n");
  EXPECT_EQ(JsonValue::number(0.1).print_unformatted(), "0.1");
  EXPECT_EQ(JsonValue::number(1.0 / 3).print_unformatted(), "0.33333333333333331");
  EXPECT_EQ(JsonValue::object().print_formatted(), "{\n}");
  EXPECT_FALSE(JsonValue::parse("[1,"));
  EXPECT_FALSE(JsonValue::parse(""));
  EXPECT_FALSE(JsonValue::parse("\"\\ud800\""));
}

}  // namespace
}  // namespace es::core::commands
