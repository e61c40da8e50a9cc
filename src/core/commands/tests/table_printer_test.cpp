#include "core/commands/table_printer.hpp"

#include <gtest/gtest.h>

namespace es::core::commands {
namespace {

Table two_rows() {
  return Table{{"name", "value"}, {{"a", "1"}, {"b<&>", "x\ny"}}};
}

TEST(TablePrinterTest, Delimited) {
  EXPECT_EQ(print_delimited(two_rows(), ","), "name,value\na,1\nb<&>,x\ny\n\n2 total.\n");
  EXPECT_EQ(print_delimited(two_rows(), "|"), "name|value\na|1\nb<&>|x\ny\n\n2 total.\n");
  EXPECT_EQ(print_delimited(two_rows(), ",", false, false), "a,1\nb<&>,x\ny\n");
}

TEST(TablePrinterTest, ZeroRows) {
  Table empty{{"name", "value"}, {}};
  EXPECT_EQ(print_delimited(empty, ","), "\n0 total.\n");
  EXPECT_EQ(print_xml(empty), "<result row_count=\"0\"/>\n");
  EXPECT_EQ(print_json(empty), "{\"row_count\": 0}\n");
}

TEST(TablePrinterTest, Xml) {
  EXPECT_EQ(print_xml(two_rows()),
            "<result row_count=\"2\">\n"
            "  <row row_id=\"1\">\n"
            "    <name>a</name>\n"
            "    <value>1</value>\n"
            "  </row>\n"
            "  <row row_id=\"2\">\n"
            "    <name>b&lt;&amp;&gt;</name>\n"
            "    <value>x\ny</value>\n"
            "  </row>\n"
            "</result>\n");
  Table trailing_newline{{"v"}, {{"line\n"}, {""}}};
  EXPECT_EQ(print_xml(trailing_newline),
            "<result row_count=\"2\">\n"
            "  <row row_id=\"1\">\n"
            "    <v>line\n    </v>\n"
            "  </row>\n"
            "  <row row_id=\"2\">\n"
            "    <v></v>\n"
            "  </row>\n"
            "</result>\n");
}

TEST(TablePrinterTest, Json) {
  EXPECT_EQ(print_json(two_rows()),
            "{\"row_count\":2,\"rows\":[{\"name\":\"a\",\"value\":\"1\"},"
            "{\"name\":\"b<&>\",\"value\":\"x\\ny\"}]}");
}

TEST(TablePrinterTest, Counts) {
  EXPECT_EQ(print_count_delimited(3), "\n3 total.\n");
  EXPECT_EQ(print_count_xml(0), "<result row_count=\"0\"></result>\n");
  EXPECT_EQ(print_count_json(2), "{\"row_count\":2,\"rows\":[]}");
}

}  // namespace
}  // namespace es::core::commands
