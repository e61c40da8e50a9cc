// The simulated endpoints every eventswitch has (docs/call-behaviour.md §7): null, loopback, error.
#pragma once

#include <memory>

#include "switch/endpoint.hpp"

namespace es::sw {

std::shared_ptr<Endpoint> make_null_endpoint();
std::shared_ptr<Endpoint> make_loopback_endpoint();
std::shared_ptr<Endpoint> make_error_endpoint();

}  // namespace es::sw
