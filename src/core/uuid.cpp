#include "core/uuid.hpp"

#include <cstdint>
#include <random>

namespace es::core {
namespace {

std::mt19937_64 make_seeded_engine() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  return std::mt19937_64(seed);
}

void append_hex(std::string& out, std::uint64_t bits, int digits) {
  static constexpr char kLowerHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kLowerHex[(bits >> shift) & 0x0F]);
  }
}

}  // namespace

std::string make_uuid() {
  thread_local std::mt19937_64 engine = make_seeded_engine();
  std::uint64_t high = engine();
  std::uint64_t low = engine();
  high = (high & ~std::uint64_t{0xF000}) | 0x4000;                         // version 4
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  append_hex(out, high >> 32, 8);
  out.push_back('-');
  append_hex(out, high >> 16, 4);
  out.push_back('-');
  append_hex(out, high, 4);
  out.push_back('-');
  append_hex(out, low >> 48, 4);
  out.push_back('-');
  append_hex(out, low, 12);
  return out;
}

}  // namespace es::core
