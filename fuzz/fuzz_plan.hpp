// How the fuzz targets read their input: an 11-byte plan (limits, a flag and fragment sizes)
// followed by the bytes to parse. Short inputs are padded with zero plan bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/command_parser.hpp"

namespace es::fuzz {

inline constexpr std::size_t kPlanBytes = 11;

struct FuzzPlan {
  protocol::ParserLimits limits;
  bool flag = false;
  std::array<std::size_t, 8> fragment_sizes{};
  std::string_view data;

  std::size_t fragment(std::size_t index) const {
    return fragment_sizes[index % fragment_sizes.size()];
  }
};

inline FuzzPlan read_plan(const std::uint8_t* input, std::size_t size) {
  std::array<std::uint8_t, kPlanBytes> plan{};
  std::size_t plan_size = size < kPlanBytes ? size : kPlanBytes;
  for (std::size_t i = 0; i < plan_size; ++i) plan[i] = input[i];

  FuzzPlan result;
  // Small limits make the header-block cap and the body range check reachable.
  if (plan[0] & 1) result.limits.max_header_block = std::size_t{plan[1]} + 1;
  if (plan[0] & 2) result.limits.max_body = plan[2];
  result.flag = (plan[0] & 4) != 0;
  bool any_nonzero = false;
  for (std::size_t i = 0; i < result.fragment_sizes.size(); ++i) {
    std::uint8_t b = plan[3 + i];
    // Mostly tiny fragments (splitting terminators and lengths), sometimes big ones.
    result.fragment_sizes[i] = b < 192 ? b % 16 : std::size_t{b - 191u} * 257;
    any_nonzero = any_nonzero || result.fragment_sizes[i] != 0;
  }
  if (!any_nonzero) result.fragment_sizes[0] = 1;
  result.data =
      std::string_view(reinterpret_cast<const char*>(input) + plan_size, size - plan_size);
  return result;
}

// Same header names and values in the same order (both parsers' results carry such lists).
inline bool same_fields(const std::vector<es::protocol::HeaderField>& a,
                        const std::vector<es::protocol::HeaderField>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].value != b[i].value) return false;
  }
  return true;
}

}  // namespace es::fuzz
