# One layer's analysis as it travels from a worker to the coordinator and sits in the Redis
# layer cache. Mirrors common/image/layer_analysis.h field for field; ecosystems travel as their
# package-url type names so that adding one never renumbers old cache entries.
@0xb4e4c28d0c63d690;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("strata::wire");

struct Package {
  ecosystem @0 :Text;
  name @1 :Text;
  version @2 :Text;
  sourceName @3 :Text;
  sourceVersion @4 :Text;
  arch @5 :Text;
  path @6 :Text;
}

struct PackageDatabase {
  path @0 :Text;
  ecosystem @1 :Text;
  packages @2 :List(Package);
}

struct DistroFile {
  path @0 :Text;
  content @1 :Text;
}

struct OwnedFile {
  path @0 :Text;
  owner @1 :Text;
}

struct SecretFinding {
  ruleId @0 :Text;
  title @1 :Text;
  severity @2 :Text;
  path @3 :Text;
  line @4 :UInt32;
  redacted @5 :Text;
  fingerprint @6 :Text;
}

struct SetIdFile {
  path @0 :Text;
  mode @1 :UInt32;
}

struct CacheBytes {
  kind @0 :Text;
  bytes @1 :UInt64;
}

struct FileEntry {
  path @0 :Text;
  size @1 :UInt64;
}

struct FileFacts {
  setid @0 :List(SetIdFile);
  worldWritable @1 :List(Text);
  rootSsh @2 :List(Text);
  present @3 :List(Text);
  cacheBytes @4 :List(CacheBytes);
  entries @5 :List(FileEntry);
  entriesTruncated @6 :Bool;  # the listing stopped at its memory bound
}

struct LayerAnalysis {
  databases @0 :List(PackageDatabase);
  distroFiles @1 :List(DistroFile);
  whiteouts @2 :List(Text);
  opaqueDirs @3 :List(Text);
  warnings @4 :List(Text);
  entries @5 :UInt64;
  uncompressedBytes @6 :UInt64;
  ownedFiles @7 :List(OwnedFile);
  secrets @8 :List(SecretFinding);
  facts @9 :FileFacts;
}
