#include "common/wire/job.h"

namespace strata {
namespace {

std::string text(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

}  // namespace

void to_wire(const JobSpec& job, wire::Job::Builder out) {
  out.setJobId(job.id);
  out.setDiffId(job.diff_id);
  out.setDigest(job.digest);
  out.setMediaType(job.media_type);
  out.setSize(job.size);
  auto source = out.initSource();
  source.setFile(job.source.file);
  source.setRegistry(job.source.registry);
  source.setRepository(job.source.repository);
  source.setToken(job.token);
  auto limits = out.initLimits();
  limits.setMaxEntryBytes(job.limits.max_entry_bytes);
  limits.setMaxEntries(job.limits.max_entries);
  limits.setMaxPathLength(static_cast<std::uint32_t>(job.limits.max_path_length));
  limits.setMaxLayerBytes(job.limits.stream.max_uncompressed_bytes);
  limits.setMaxRatio(job.limits.stream.max_ratio);
  out.setCacheKey(job.cache_key);
  out.setCacheTtlSeconds(job.cache_ttl_seconds);
  out.setLeaseSeconds(job.lease_seconds);
  out.setSecretRules(job.secret_rules);
}

JobSpec from_wire(wire::Job::Reader in) {
  JobSpec job;
  job.id = in.getJobId();
  job.diff_id = text(in.getDiffId());
  job.digest = text(in.getDigest());
  job.media_type = text(in.getMediaType());
  job.size = in.getSize();
  job.source.file = text(in.getSource().getFile());
  job.source.registry = text(in.getSource().getRegistry());
  job.source.repository = text(in.getSource().getRepository());
  job.token = text(in.getSource().getToken());
  const auto limits = in.getLimits();
  job.limits.max_entry_bytes = limits.getMaxEntryBytes();
  job.limits.max_entries = limits.getMaxEntries();
  job.limits.max_path_length = limits.getMaxPathLength();
  job.limits.stream.max_uncompressed_bytes = limits.getMaxLayerBytes();
  job.limits.stream.max_ratio = limits.getMaxRatio();
  job.cache_key = text(in.getCacheKey());
  job.cache_ttl_seconds = in.getCacheTtlSeconds();
  job.lease_seconds = in.getLeaseSeconds();
  job.secret_rules = text(in.getSecretRules());
  return job;
}

}  // namespace strata
