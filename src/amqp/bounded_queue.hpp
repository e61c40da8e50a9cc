// The AMQP threads' hand-off queue: core's BoundedQueue (one home, shared with the CDR writer).
#pragma once

#include "core/bounded_queue.hpp"

namespace es::amqp {
using core::BoundedQueue;
}  // namespace es::amqp
