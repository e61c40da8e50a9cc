// Random (version 4) UUIDs in FreeSWITCH's lowercase 8-4-4-4-12 text form, from the kernel's
// CSPRNG (protocol/uuid.hpp has the one implementation, shared with the client library).
#pragma once

#include <string>

namespace es::core {

std::string make_uuid();

}  // namespace es::core
