#!/usr/bin/env bash
# Configures and builds one tree. Usage: deploy/build.sh DIR [cmake options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir.configure.log" 2>&1 ||
  { cat "$dir.configure.log"; exit 1; }
# STRATA_TARGETS limits the build to some targets (the demo needs only `strata`).
ninja -C "$dir" -j"$(nproc)" ${STRATA_TARGETS:-}
ln -sf "$dir/compile_commands.json" "$root/compile_commands.json" 2>/dev/null || true
