#include "core/runtime.hpp"

namespace es::core {

Runtime::Runtime(std::unique_ptr<Clock> clock)
    : clock_(std::move(clock)),
      identity_(SwitchIdentity::detect(*clock_)),
      factory_(identity_, *clock_),
      log_(*clock_) {
  api_.attach_events(&bus_, &factory_);
}

}  // namespace es::core
