#include "protocol/uuid.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace es::protocol {
namespace {

bool has_uuid_shape(const std::string& uuid) {
  if (uuid.size() != 36) return false;
  for (std::size_t p = 0; p < uuid.size(); ++p) {
    bool dash = p == 8 || p == 13 || p == 18 || p == 23;
    bool hex = (uuid[p] >= '0' && uuid[p] <= '9') || (uuid[p] >= 'a' && uuid[p] <= 'f');
    if (dash ? uuid[p] != '-' : !hex) return false;
  }
  return uuid[14] == '4' && std::string("89ab").find(uuid[19]) != std::string::npos;
}

TEST(Uuid, Version4ShapeAndUniqueAcrossThreads) {
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  threads.reserve(made.size());
  for (auto& list : made) {
    threads.emplace_back([&list] {
      for (int i = 0; i < 2000; ++i) list.push_back(make_uuid());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> seen;
  for (const auto& list : made) {
    for (const auto& uuid : list) {
      ASSERT_TRUE(has_uuid_shape(uuid)) << uuid;
      seen.insert(uuid);
    }
  }
  EXPECT_EQ(seen.size(), 8000u);
}

TEST(Uuid, RandomBytesSpanBufferRefills) {
  // More than one 256-byte buffer in odd-sized pieces: no piece repeats another.
  std::set<std::string> pieces;
  for (int i = 0; i < 100; ++i) {
    std::array<char, 37> piece{};
    random_bytes(piece.data(), piece.size());
    pieces.insert(std::string(piece.data(), piece.size()));
  }
  EXPECT_EQ(pieces.size(), 100u);
  std::string big(5000, '\0');
  random_bytes(big.data(), big.size());
  EXPECT_NE(big.find_first_not_of('\0'), std::string::npos);
  EXPECT_NE(big.substr(0, 256), big.substr(256, 256));
}

}  // namespace
}  // namespace es::protocol
