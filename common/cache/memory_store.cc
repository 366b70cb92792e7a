#include "common/cache/memory_store.h"

namespace strata {

Result<std::vector<std::optional<std::string>>> MemoryStore::get(std::span<const std::string> keys) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  std::vector<std::optional<std::string>> out(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto it = entries_.find(keys[i]);
    if (it != entries_.end() && it->second.expires > now) out[i] = it->second.value;
  }
  return out;
}

Result<void> MemoryStore::set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) {
  std::lock_guard lock(mutex_);
  auto [it, added] = entries_.try_emplace(std::string(key));
  if (!added) bytes_ -= it->first.size() + it->second.value.size();
  it->second.value.assign(reinterpret_cast<const char*>(value.data()), value.size());
  it->second.expires = Clock::now() + std::chrono::seconds(ttl_seconds);
  it->second.written = ++writes_;
  bytes_ += it->first.size() + it->second.value.size();
  order_.emplace_back(it->first, writes_);
  evict();
  return {};
}

void MemoryStore::evict() {
  while (bytes_ > max_bytes_ && !order_.empty()) {
    auto [key, write] = std::move(order_.front());
    order_.pop_front();
    auto it = entries_.find(key);
    // A key written again since is younger than this queue entry says: its newer entry decides.
    if (it == entries_.end() || it->second.written != write) continue;
    bytes_ -= it->first.size() + it->second.value.size();
    entries_.erase(it);
  }
  // Entries overwritten many times leave stale queue entries; drop them once they dominate.
  if (order_.size() > 2 * entries_.size() + 64) {
    std::erase_if(order_, [&](const auto& e) {
      auto it = entries_.find(e.first);
      return it == entries_.end() || it->second.written != e.second;
    });
  }
}

std::size_t MemoryStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace strata
