#include "worker/image/blob_file.h"

#include "worker/source/byte_source.h"

namespace strata::worker {

Result<std::vector<std::byte>> read_small_file(const std::string& path, std::uint64_t max_bytes) {
  auto source = FileSource::open(path);
  if (!source) return std::unexpected(source.error());
  std::vector<std::byte> bytes;
  for (;;) {
    const std::size_t old = bytes.size();
    bytes.resize(old + (64 << 10));
    auto n = source->read(std::span(bytes).subspan(old));
    if (!n) return std::unexpected(n.error());
    bytes.resize(old + *n);
    if (*n == 0) break;
    if (bytes.size() > max_bytes) {
      return fail(ErrorCode::kLimitExceeded, path + " is larger than the limit of " +
                                                 std::to_string(max_bytes) + " bytes");
    }
  }
  return bytes;
}

}  // namespace strata::worker
