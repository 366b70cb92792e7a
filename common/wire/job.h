// A layer job as plain values: what the coordinator asks a worker to analyse, and what comes
// back. to_wire/from_wire are the only places that know the Cap'n Proto layout of a Job.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schema/messages.capnp.h"
#include "common/image/blob_location.h"
#include "common/wire/walk_limits.h"

namespace strata {

struct JobSpec {
  std::uint64_t id = 0;
  std::string diff_id;
  std::string digest;
  std::string media_type;
  std::uint64_t size = 0;
  BlobLocation source;
  std::string token;  // registry pull token, short-lived
  WalkLimits limits;
  std::string cache_key;
  std::uint32_t cache_ttl_seconds = 0;
  std::uint32_t lease_seconds = 0;
  std::string secret_rules;  // a tenant's own rules (TOML); empty: the built-in ones
};

void to_wire(const JobSpec& job, wire::Job::Builder out);
JobSpec from_wire(wire::Job::Reader in);

// How a job ended on the worker.
struct JobOutcome {
  std::uint64_t id = 0;
  std::string diff_id;
  std::string digest;
  bool ok = false;
  std::vector<std::byte> analysis;  // encoded, when ok
  bool cached = false;
  std::uint64_t bytes_read = 0;
  std::uint64_t micros = 0;
  std::string error_code;  // when not ok
  std::string error;
  bool retryable = false;
  bool verified = false;  // a failed blob, read again, hashed to its digest
};

}  // namespace strata
