// Prints query-like results the way mod_commands' show does (docs/api-behaviour.md §2, show):
// "as delim" (default ","), "as csv", "as xml" and "as json", including the exact zero-row
// forms and the "count" variants.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace es::core::commands {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each row has one value per column
};

enum class TableFormat { kDelim, kXml, kJson };

// Delimited: title line (when there are rows and `print_title`), one line per row, then
// "\n<N> total.\n" unless `print_total` is false.
std::string print_delimited(const Table& table, std::string_view delimiter, bool print_title = true,
                            bool print_total = true);
// <result row_count="N"> with <row row_id="i"> children; zero rows: <result row_count="0"/>\n.
std::string print_xml(const Table& table);
// {"row_count":N,"rows":[{...}]} unformatted; zero rows: {"row_count": 0}\n.
std::string print_json(const Table& table);

// The "count" variants: the query returns one row holding the count.
std::string print_count_delimited(std::size_t count);
std::string print_count_xml(std::size_t count);
std::string print_count_json(std::size_t count);

}  // namespace es::core::commands
