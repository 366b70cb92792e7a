// Running a shell command from a test and collecting its exit code and output.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace strata::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs `command` with /bin/sh; standard error is folded into `out` unless `with_stderr` is false
// (then it is discarded).
inline CommandResult run_command(const std::string& command, bool with_stderr = true) {
  CommandResult r;
  FILE* pipe = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 65536> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace strata::test
