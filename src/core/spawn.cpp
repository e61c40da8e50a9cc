#include "core/spawn.hpp"

namespace es::core {

std::string exception_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

void handle_escaped_exception(LogBus& log, const char* name, const std::exception_ptr& error,
                              const Recovery& recover) noexcept {
  try {
    ES_LOG(log, LogLevel::kCrit, "{} failed: {}", name, exception_text(error));
    if (recover) recover(error);
  } catch (...) {
    try {
      ES_LOG(log, LogLevel::kCrit, "{}: recovery failed: {}", name,
             exception_text(std::current_exception()));
    } catch (...) {
      // Out of memory while logging: nothing more can be done, and nothing may escape.
    }
  }
}

void run_guarded(asio::io_context& io, LogBus& log, const char* name) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (...) {
      handle_escaped_exception(log, name, std::current_exception(), {});
    }
  }
}

}  // namespace es::core
