// Caps on concurrent connections (event_socket.conf max-connections and
// max-unauthenticated-per-address). The accept loop asks admit() before it makes a listener;
// over a cap the socket is closed at once and nothing is kept. The table holds only addresses
// that have an unauthenticated connection right now, so it never outgrows the connections.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace es::eventsocket {

class ConnectionLimits {
  struct Counts;

 public:
  // A connection's place in the counts: unauthenticated until promote(), released when
  // destroyed (or reset by assigning an empty Slot).
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept { *this = std::move(other); }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }

    // The connection authenticated: it no longer counts against its address.
    void promote();
    bool held() const { return owner_ != nullptr; }

   private:
    friend class ConnectionLimits;
    void release();
    // Shared, so a slot released after the server (a listener freed late) stays safe.
    std::shared_ptr<Counts> owner_;
    std::string address_;
    bool authenticated_ = false;
  };

  enum class Refusal { kNone, kTotal, kUnauthenticatedPerAddress };

  // A slot for a new unauthenticated connection from `address`, or nullopt with the cap that
  // refused it. A cap of 0 means no cap.
  std::optional<Slot> admit(const std::string& address, std::size_t max_total,
                            std::size_t max_unauthenticated_per_address, Refusal* refusal);

  std::size_t total() const;
  std::size_t unauthenticated(const std::string& address) const;
  std::size_t tracked_addresses() const;

 private:
  struct Counts {
    void promote(const std::string& address);
    void release(const std::string& address, bool authenticated);
    void uncount_unauthenticated(const std::string& address);

    mutable std::mutex mutex;
    std::size_t total = 0;
    std::unordered_map<std::string, std::size_t> unauthenticated;
  };
  std::shared_ptr<Counts> counts_ = std::make_shared<Counts>();
};

std::string_view refusal_text(ConnectionLimits::Refusal refusal);

}  // namespace es::eventsocket
