// How the newer fuzz targets read their input: a first byte of flags, then fields separated by
// NUL bytes (missing fields are empty). The seeds in fuzz/seeds/<target> follow this layout.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace es::fuzz {

template <std::size_t N>
struct Fields {
  std::uint8_t flags = 0;
  std::array<std::string_view, N> field{};
};

// The last field takes the rest of the input, NUL bytes included.
template <std::size_t N>
Fields<N> read_fields(const std::uint8_t* input, std::size_t size) {
  Fields<N> result;
  if (size == 0) return result;
  result.flags = input[0];
  std::string_view rest(reinterpret_cast<const char*>(input) + 1, size - 1);
  for (std::size_t i = 0; i < N; ++i) {
    std::size_t nul = i + 1 < N ? rest.find('\0') : std::string_view::npos;
    result.field[i] = rest.substr(0, nul);
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return result;
}

inline void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace es::fuzz
