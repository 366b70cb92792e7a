// A one-line progress bar on standard error (layer i/n, bytes, rate), redrawn at most ten times
// a second and erased when the walk ends. Used only when standard error is a terminal.
#pragma once

#include <chrono>

#include "worker/image/progress.h"

namespace strata::cli {

class ProgressBar final : public worker::ProgressSink {
 public:
  void layer_started(std::size_t index, std::size_t count, const std::string& name, std::uint64_t size) override;
  void bytes_read(std::uint64_t n) override;
  void finished() override;

 private:
  void draw(bool force);
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
  std::size_t index_ = 0, count_ = 0;
  std::uint64_t layer_size_ = 0, layer_read_ = 0, total_read_ = 0;
};

}  // namespace strata::cli
