// One line per event on stderr: "2026-11-28T16:43:21.123Z level component: message". Thread-safe
// (one write(2) per line, so lines from several threads never interleave). Services log; library
// code returns errors instead.
#pragma once

#include <string_view>

namespace strata {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void set_log_level(LogLevel level);
void log(LogLevel level, std::string_view component, std::string_view message);

inline void log_info(std::string_view component, std::string_view message) {
  log(LogLevel::kInfo, component, message);
}
inline void log_warn(std::string_view component, std::string_view message) {
  log(LogLevel::kWarn, component, message);
}
inline void log_error(std::string_view component, std::string_view message) {
  log(LogLevel::kError, component, message);
}

}  // namespace strata
