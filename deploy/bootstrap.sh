#!/usr/bin/env bash
# Installs every Debian package that strata's build, tests, benchmarks and scripts need: the
# libraries it links and every program a script, test or benchmark runs, down to what a minimal
# Debian 12 (debootstrap --variant=minbase) lacks. Then checks that each of those programs is
# there. Idempotent: installs only what is missing, and runs `apt-get update` at most once.
set -euo pipefail

packages=(
  # toolchain; ccache lets a second checkout reuse the first one's objects (deploy/build.sh)
  build-essential cmake ninja-build pkg-config git time ccache
  # programs the scripts run: curl (health checks, metrics), python3 (free ports, test servers),
  # CA certificates for https
  curl ca-certificates python3
  # the fresh-machine test builds a minimal Debian 12 root
  debootstrap
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
  # tenants' registry credentials, sealed at rest; openssl makes the tests' TLS certificates
  libsodium-dev openssl
  # the real servers the integration tests and deploy/local start on loopback
  redis-server redis-tools postgresql
  # a real OCI registry, the tool that pushes test images to it, and htpasswd for its basic auth
  docker-registry skopeo apache2-utils
  # the end-to-end test compares with this machine's own dpkg database
  dpkg
  # differential tests of the version comparators against the real tools
  python3-packaging python3-rpm ruby
  # SARIF and CycloneDX reports are validated against their published schemas
  python3-jsonschema
  # the fleet report's PDF is drawn with cairo (a font for its text) and read back by pdftotext;
  # the dashboard is tested in a real headless browser
  libcairo2-dev fonts-dejavu-core poppler-utils chromium
)

# Every program that deploy/, loadtest/ and tests/ run, beyond bash and what Debian marks
# essential (coreutils, tar, gzip, sed, grep, findutils, util-linux's runuser): checked after the
# install so that a package dropped from the list above is named here, not half-way into a test.
programs=(
  cmake ninja c++ clang++-16 ccache pkg-config git capnp capnpc-c++
  curl python3 ruby redis-server redis-cli docker-registry skopeo htpasswd debootstrap openssl
  pdftotext chromium
)

# shellcheck source=deploy/lib/programs.sh
. "$(dirname "$0")/lib/programs.sh"
check_programs() {
  local absent
  absent=$(missing_programs "${programs[@]}" initdb)
  if [[ -n $absent ]]; then
    echo "bootstrap: still missing after the install: $absent" >&2
    exit 1
  fi
}

# Node.js and npm: the npm differential and the node_modules end-to-end tests read npm's own
# tree. Debian's packages unless the machine has a Node.js of its own already (NodeSource's bundles
# npm and conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
programs+=(node npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  check_programs
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
check_programs
