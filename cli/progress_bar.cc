#include "cli/progress_bar.h"

#include <cstdio>

namespace strata::cli {

void ProgressBar::layer_started(std::size_t index, std::size_t count, const std::string&, std::uint64_t size) {
  index_ = index;
  count_ = count;
  layer_size_ = size;
  layer_read_ = 0;
  draw(true);
}

void ProgressBar::bytes_read(std::uint64_t n) {
  layer_read_ += n;
  total_read_ += n;
  draw(false);
}

void ProgressBar::finished() { std::fprintf(stderr, "\r\033[K"); }

void ProgressBar::draw(bool force) {
  const auto now = Clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(total_read_) / seconds / 1e6 : 0;
  const double fraction = layer_size_ > 0 ? std::min(1.0, static_cast<double>(layer_read_) / static_cast<double>(layer_size_)) : 0;
  char bar[21];
  const int filled = static_cast<int>(fraction * 20);
  for (int i = 0; i < 20; ++i) bar[i] = i < filled ? '#' : '.';
  bar[20] = '\0';
  std::fprintf(stderr, "\r\033[Klayer %zu/%zu [%s] %.1f/%.1f MB  %.0f MB/s", index_ + 1, count_, bar,
               static_cast<double>(layer_read_) / 1e6, static_cast<double>(layer_size_) / 1e6, rate);
  std::fflush(stderr);
}

}  // namespace strata::cli
