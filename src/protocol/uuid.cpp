#include "protocol/uuid.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

namespace es::protocol {
namespace {

// One getrandom(2) call serves 16 UUIDs.
constexpr std::size_t kRandomBufferBytes = 256;

struct RandomBuffer {
  std::array<unsigned char, kRandomBufferBytes> bytes;
  std::size_t used = kRandomBufferBytes;

  void refill() {
    std::size_t filled = 0;
    while (filled < bytes.size()) {
      ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "getrandom");
      }
      filled += static_cast<std::size_t>(n);
    }
    used = 0;
  }
};

void append_hex(std::string& out, const unsigned char* bytes, std::size_t count) {
  static constexpr char kLowerHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(kLowerHex[bytes[i] >> 4]);
    out.push_back(kLowerHex[bytes[i] & 0x0F]);
  }
}

}  // namespace

void random_bytes(void* out, std::size_t size) {
  thread_local RandomBuffer buffer;
  auto* target = static_cast<unsigned char*>(out);
  while (size > 0) {
    if (buffer.used == buffer.bytes.size()) buffer.refill();
    std::size_t take = std::min(size, buffer.bytes.size() - buffer.used);
    std::memcpy(target, buffer.bytes.data() + buffer.used, take);
    // Handed-out bytes do not stay behind in the buffer.
    std::memset(buffer.bytes.data() + buffer.used, 0, take);
    buffer.used += take;
    target += take;
    size -= take;
  }
}

std::string make_uuid() {
  std::array<unsigned char, 16> bits;
  random_bytes(bits.data(), bits.size());
  bits[6] = static_cast<unsigned char>((bits[6] & 0x0F) | 0x40);  // version 4
  bits[8] = static_cast<unsigned char>((bits[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  append_hex(out, bits.data(), 4);
  out.push_back('-');
  append_hex(out, bits.data() + 4, 2);
  out.push_back('-');
  append_hex(out, bits.data() + 6, 2);
  out.push_back('-');
  append_hex(out, bits.data() + 8, 2);
  out.push_back('-');
  append_hex(out, bits.data() + 10, 6);
  return out;
}

}  // namespace es::protocol
