#include "common/cache/fault_store.h"

#include <thread>

namespace strata {

Result<void> FaultStore::enter() {
  calls_.fetch_add(1);
  if (const auto ms = delay_ms.load(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  if (unreachable.load()) return fail(ErrorCode::kUnavailable, describe() + ": connection refused (injected)");
  return {};
}

Result<std::vector<std::optional<std::string>>> FaultStore::get(std::span<const std::string> keys) {
  if (auto entered = enter(); !entered) return std::unexpected(entered.error());
  auto values = inner_->get(keys);
  if (!values) return values;
  for (auto& value : *values) {
    if (!value || value->empty()) continue;
    if (truncate.load()) value->resize(value->size() / 2);
    if (flip_bytes.load() && !value->empty()) value->back() = static_cast<char>(value->back() ^ 0x5a);
  }
  return values;
}

Result<void> FaultStore::set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) {
  if (auto entered = enter(); !entered) return entered;
  if (drop_writes.load()) return {};
  return inner_->set(key, value, ttl_seconds);
}

}  // namespace strata
