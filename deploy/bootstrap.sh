#!/usr/bin/env bash
# Installs every Debian package that strata's build, tests and benchmarks need.
# Idempotent: installs only what is missing, and runs `apt-get update` at most once.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git time
  # fuzzing: libFuzzer needs clang; clang 16 is the first whose __cpp_concepts
  # unlocks libstdc++'s std::expected
  clang-16 libclang-rt-16-dev
  # libraries
  libarchive-dev libisal-dev libzstd-dev zlib1g-dev libssl-dev
  libsqlite3-dev librpm-dev nlohmann-json3-dev libcli11-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # the cluster: messages, sockets, cache, store, parallel workers, HTTP API
  capnproto libcapnp-dev libzmq3-dev cppzmq-dev libhiredis-dev libpq-dev libtbb-dev libtomlplusplus-dev libyaml-cpp-dev libhyperscan-dev libre2-dev
  libcpp-httplib-dev
  # the real servers the integration tests and deploy/local start on loopback
  redis-server postgresql
  # a real OCI registry, the tool that pushes test images to it, and htpasswd for its basic auth
  docker-registry skopeo apache2-utils
  # the end-to-end test compares with this machine's own dpkg database
  dpkg
  # differential tests of the version comparators against the real tools
  python3-packaging python3-rpm ruby
  # SARIF and CycloneDX reports are validated against their published schemas
  python3-jsonschema
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/strata-apt.log 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
