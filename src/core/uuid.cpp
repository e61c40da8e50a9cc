#include "core/uuid.hpp"

#include "protocol/uuid.hpp"

namespace es::core {

std::string make_uuid() {
  return protocol::make_uuid();
}

}  // namespace es::core
