# What the coordinator and its workers say to each other over ZeroMQ (ROUTER on the coordinator,
# DEALER on each worker). One Cap'n Proto message per ZeroMQ frame.
#
# Flow control is by credits: a worker's Ready grants as many credits as it has slots, and every
# JobResult or JobFailure hands one back. The coordinator never sends a Job to a worker without a
# credit, so a worker's queue never grows beyond its slots. A leased job carries a deadline; the
# worker's Heartbeats name the jobs it is running and extend their leases, and a worker that goes
# silent loses its leases, so its jobs return to the queue.
@0xeb58ccef8a0faab1;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("strata::wire");

# 2: a job carries its tenant's secret rules, which a version-1 worker would ignore.
const protocolVersion :UInt32 = 2;

# Bounds of one layer walk, sent with each job so that the coordinator, which derives the cache
# key from them, and the worker, which applies them, cannot disagree.
struct WalkLimits {
  maxEntryBytes @0 :UInt64;
  maxEntries @1 :UInt64;
  maxPathLength @2 :UInt32;
  maxLayerBytes @3 :UInt64;
  maxRatio @4 :UInt64;
}

# Where the worker reads the layer blob from. Bytes never pass through the coordinator: a path
# on storage the worker shares with the coordinator, or a registry's repository (the blob is the
# job's digest). `token` is a short-lived bearer token for pulling that repository, when the
# registry uses them; it lives only in this message (never in logs, Redis or the job store). A
# worker whose token is refused falls back to its own credentials for the registry.
struct BlobSource {
  file @0 :Text;
  registry @1 :Text;
  repository @2 :Text;
  token @3 :Text;
}

struct Job {
  jobId @0 :UInt64;
  diffId @1 :Text;        # "sha256:…", checked against the uncompressed tar
  digest @2 :Text;        # "sha256:…", checked against the blob
  mediaType @3 :Text;
  size @4 :UInt64;
  source @5 :BlobSource;
  limits @6 :WalkLimits;
  cacheKey @7 :Text;      # where the worker stores the verified result in Redis
  cacheTtlSeconds @8 :UInt32;
  leaseSeconds @9 :UInt32;
  secretRules @10 :Text;  # a tenant's own secret rules (gitleaks TOML); empty: the built-in ones
}

struct Cancel {
  jobId @0 :UInt64;
}

struct Welcome {
  heartbeatMillis @0 :UInt32;  # how often the worker should say it is alive
  announce @1 :Bool;           # "I do not know you" (the coordinator restarted): send Ready again
}

struct CoordinatorMessage {
  union {
    job @0 :Job;
    cancel @1 :Cancel;
    welcome @2 :Welcome;
  }
}

struct Ready {
  name @0 :Text;              # for logs and metrics
  slots @1 :UInt32;           # credits granted: jobs it will run at once
  analyzerSet @2 :UInt64;     # AnalyzerRegistry::set_version(); must equal the coordinator's
  protocol @3 :UInt32;
}

struct Heartbeat {
  running @0 :List(UInt64);   # job ids in progress: their leases are extended
  bytesRead @1 :List(UInt64); # per running job, in the same order: blob bytes read so far. A
                              # lease is extended only while this advances, so a job stuck in
                              # a loop is not held for ever by a live worker's heartbeats
}

struct JobResult {
  jobId @0 :UInt64;
  diffId @1 :Text;
  digest @2 :Text;
  analysis @3 :Data;          # zstd-compressed LayerAnalysis message (schema/layer.capnp)
  cached @4 :Bool;            # whether the worker stored it in Redis
  bytesRead @5 :UInt64;
  micros @6 :UInt64;          # wall time of the analysis
}

struct JobFailure {
  jobId @0 :UInt64;
  code @1 :Text;              # ErrorCode name: failures of the same code count toward quarantine
  message @2 :Text;           # names the layer and what is wrong with it
  retryable @3 :Bool;         # false when the bytes themselves are bad
  verified @4 :Bool;          # the blob hashed to its digest: a content failure is the bytes' own,
                              # not a registry's or a connection's, so it may count toward quarantine
}

# The worker is leaving (SIGTERM): it withdraws its credits and hands back jobs it did not finish.
struct Goodbye {
  handedBack @0 :List(UInt64);
}

struct WorkerMessage {
  union {
    ready @0 :Ready;
    heartbeat @1 :Heartbeat;
    result @2 :JobResult;
    failure @3 :JobFailure;
    goodbye @4 :Goodbye;
  }
}
