#include "worker/stream/pipelined_stream.h"

namespace strata::worker {

PipelinedStream::PipelinedStream(ByteSource& source, StreamLimits limits)
    : stream_(source, limits, /*hash_tar=*/false), producer_([this] { produce(); }) {}

PipelinedStream::~PipelinedStream() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  producer_.join();
}

void PipelinedStream::produce() {
  while (true) {
    auto chunk = stream_.next();
    std::unique_lock lock(mutex_);
    if (!chunk) {
      error_ = chunk.error();
      break;
    }
    if (chunk->empty()) {
      // The end: the rest after the tar's end marker is drained here, so the digests are final
      // before the walker asks for them.
      lock.unlock();
      auto drained = stream_.drain();
      lock.lock();
      if (!drained) error_ = drained.error();
      break;
    }
    changed_.wait(lock, [&] { return stop_ || ready_.size() < kDepth; });
    if (stop_) break;
    std::vector<std::byte> buffer;
    if (!spare_.empty()) {
      buffer = std::move(spare_.back());
      spare_.pop_back();
    }
    buffer.assign(chunk->begin(), chunk->end());
    ready_.push_back(std::move(buffer));
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  produced_all_ = true;
  changed_.notify_all();
}

Result<std::span<const std::byte>> PipelinedStream::next() {
  std::unique_lock lock(mutex_);
  if (!current_.empty()) spare_.push_back(std::move(current_));
  current_.clear();
  changed_.wait(lock, [&] { return !ready_.empty() || produced_all_; });
  if (!ready_.empty()) {
    current_ = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    lock.unlock();
    tar_hash_.update(current_);  // on this thread, while the producer inflates the next chunk
    return std::span<const std::byte>(current_);
  }
  if (error_) return std::unexpected(*error_);
  return std::span<const std::byte>();
}

Result<void> PipelinedStream::drain() {
  // What the walker did not read still counts toward the digests: the producer hashes it.
  while (true) {
    auto chunk = next();
    if (!chunk) return std::unexpected(chunk.error());
    if (chunk->empty()) return {};
  }
}

DiffId PipelinedStream::diff_id() {
  if (!diff_id_) diff_id_ = DiffId{tar_hash_.finish()};
  return *diff_id_;
}

bool PipelinedStream::finished() const {
  std::lock_guard lock(mutex_);
  return produced_all_ && ready_.empty() && stream_.finished();
}

std::uint64_t PipelinedStream::uncompressed_bytes() const {
  std::lock_guard lock(mutex_);
  return produced_all_ ? stream_.uncompressed_bytes() : 0;
}

}  // namespace strata::worker
