// A ByteSource yields the bytes of one blob, front to back, once. Implementations: a file
// (FileSource), an entry of an enclosing archive (worker/source/docker_archive.cc), memory.
// Not thread-safe; used by one stream at a time.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "common/error.h"

namespace strata::worker {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills a prefix of `out`; returns how many bytes, 0 only at the end of the blob.
  virtual Result<std::size_t> read(std::span<std::byte> out) = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const std::byte> bytes) : bytes_(bytes) {}
  Result<std::size_t> read(std::span<std::byte> out) override;

 private:
  std::span<const std::byte> bytes_;
};

// Reads a regular file. The descriptor is closed when the source is destroyed.
class FileSource final : public ByteSource {
 public:
  static Result<FileSource> open(const std::string& path);
  FileSource(FileSource&& other) noexcept;
  FileSource& operator=(FileSource&&) = delete;
  ~FileSource() override;
  Result<std::size_t> read(std::span<std::byte> out) override;

 private:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace strata::worker
