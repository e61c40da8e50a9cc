// Random (version 4) UUIDs in FreeSWITCH's lowercase 8-4-4-4-12 text form, for the daemon
// (core::make_uuid) and the client library alike. The bits come from the kernel's CSPRNG
// (getrandom(2)), read 256 bytes at a time into a per-thread buffer: a call or job UUID names
// something a peer may act on (uuid_kill, a Job-UUID), so it must not be guessable from the
// UUIDs seen before. The only system call in this layer; it does no I/O.
#pragma once

#include <cstddef>
#include <string>

namespace es::protocol {

// Fills `out` with `size` bytes from the kernel's CSPRNG; throws std::system_error if the
// kernel cannot supply them.
void random_bytes(void* out, std::size_t size);

std::string make_uuid();

}  // namespace es::protocol
