#include "core/commands/table_printer.hpp"

#include <fmt/format.h>

#include "protocol/escape.hpp"

namespace es::core::commands {
namespace {

constexpr std::string_view kIndent = "  ";

void append_xml_element(std::string& out, std::string_view indent, std::string_view name,
                        std::string_view text) {
  out += indent;
  out += '<';
  out += name;
  out += '>';
  protocol::xml_escape_append(out, text);
  // The printer indents a closing tag only when the text before it ends with a newline.
  if (!out.empty() && out.back() == '\n') {
    out += indent;
  }
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::string print_delimited(const Table& table, std::string_view delimiter, bool print_title,
                            bool print_total) {
  std::string out;
  auto append_line = [&](const std::vector<std::string>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      out += values[i];
      out += i + 1 == values.size() ? std::string_view("\n") : delimiter;
    }
  };
  if (print_title && !table.rows.empty()) append_line(table.columns);
  for (const auto& row : table.rows) append_line(row);
  if (print_total) out += fmt::format("\n{} total.\n", table.rows.size());
  return out;
}

std::string print_xml(const Table& table) {
  if (table.rows.empty()) return "<result row_count=\"0\"/>\n";
  std::string out = fmt::format("<result row_count=\"{}\">\n", table.rows.size());
  std::string field_indent = std::string(kIndent) + std::string(kIndent);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    out += fmt::format("{}<row row_id=\"{}\">\n", kIndent, r + 1);
    const auto& row = table.rows[r];
    for (std::size_t c = 0; c < table.columns.size() && c < row.size(); ++c) {
      append_xml_element(out, field_indent, table.columns[c], row[c]);
    }
    out += kIndent;
    out += "</row>\n";
  }
  out += "</result>\n";
  return out;
}

std::string print_json(const Table& table) {
  if (table.rows.empty()) return "{\"row_count\": 0}\n";
  std::string out = fmt::format("{{\"row_count\":{},\"rows\":[", table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (r) out += ',';
    out += '{';
    const auto& row = table.rows[r];
    for (std::size_t c = 0; c < table.columns.size() && c < row.size(); ++c) {
      if (c) out += ',';
      out += '"';
      protocol::json_escape_append(out, table.columns[c]);
      out += "\":\"";
      protocol::json_escape_append(out, row[c]);
      out += '"';
    }
    out += '}';
  }
  out += "]}";
  return out;
}

std::string print_count_delimited(std::size_t count) {
  return fmt::format("\n{} total.\n", count);
}

std::string print_count_xml(std::size_t count) {
  // The result element exists (the count row created it) but has no children and an empty
  // text, which the printer writes as an open/close pair.
  return fmt::format("<result row_count=\"{}\"></result>\n", count);
}

std::string print_count_json(std::size_t count) {
  return fmt::format("{{\"row_count\":{},\"rows\":[]}}", count);
}

}  // namespace es::core::commands
