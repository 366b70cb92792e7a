// Image references: on disk `oci:DIR[:TAG]`, `oci:DIR@sha256:…`, `docker-archive:FILE`,
// `rootfs:DIR`; in a registry `[REGISTRY/]REPO[:TAG|@DIGEST]` (optionally `docker://…`), with
// Docker Hub's defaults: no registry means Docker Hub, a one-part name there means `library/NAME`,
// no tag and no digest means `latest`.
#pragma once

#include <optional>
#include <string>

#include "common/digest.h"
#include "common/error.h"

namespace strata {

enum class Transport { kOciLayout, kDockerArchive, kRootfs, kRegistry };

// Docker Hub's API host, which references name as docker.io.
inline constexpr std::string_view kDockerHubRegistry = "registry-1.docker.io";

struct ImageReference {
  Transport transport = Transport::kOciLayout;
  std::string path;              // oci:, docker-archive:, rootfs:
  std::string registry;          // registry: the API's host[:port] ("registry-1.docker.io")
  std::string repository;        // registry: "library/alpine"
  std::string tag;               // oci: and registry: ("latest" when a registry reference names none)
  bool tag_implied = false;      // registry: the tag is "latest" because none was written
  std::optional<Digest> digest;  // oci: and registry:
  std::string text;              // as the user wrote it, for messages and reports

  // `path_exists` tells whether a path is on disk: "oci:dir:tag" is split at the last ':' only
  // when the whole of "dir:tag" is not itself a directory.
  static Result<ImageReference> parse(std::string_view text,
                                      bool (*path_exists)(const std::string&));
};

// A repository or a whole registry, as fleet scans name them.
struct RepositoryName {
  std::string registry;
  std::string repository;  // empty: the whole registry
};
// "host[:port]" alone (a name with a '.' or ':' or "localhost") names a registry, for its
// catalog; otherwise "[REGISTRY/]REPO" names a repository, for its tags.
Result<RepositoryName> parse_repository_name(std::string_view text);

// Whether a registry is a loopback address, the only kind reached over plain HTTP by default.
bool is_loopback_registry(std::string_view registry);

}  // namespace strata
