// rpm databases in all three formats, and bare header blobs. The first byte picks the format
// magic to put in front, so BDB and NDB page walks are reached without guessing magic numbers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "worker/parser/rpmdb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  (void)strata::worker::parse_rpmdb(bytes, "Packages");
  (void)strata::worker::parse_rpm_header(bytes);
  if (size > 1 && data[0] == 'N') {
    std::string ndb = "RpmP";
    ndb.append(reinterpret_cast<const char*>(data + 1), size - 1);
    (void)strata::worker::ndb_header_blobs(strata::as_bytes(ndb));
  } else if (size > 16 && data[0] == 'B') {
    std::string bdb(reinterpret_cast<const char*>(data + 1), size - 1);
    bdb[12] = '\x61';
    bdb[13] = '\x15';
    bdb[14] = '\x06';
    bdb[15] = '\0';
    (void)strata::worker::bdb_header_blobs(strata::as_bytes(bdb));
  }
  return 0;
}
