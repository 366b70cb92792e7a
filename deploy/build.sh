#!/usr/bin/env bash
# Configures and builds one tree. Usage: deploy/build.sh DIR [cmake options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
# ccache (installed by bootstrap.sh) makes a rebuild of unchanged sources cheap. Paths are taken
# relative to the checkout and the compiler is known by its content, so two checkouts of the same
# sources, in other directories or another root with the same packages, share what was compiled.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true CCACHE_COMPILERCHECK=content
fi
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" >"$dir.configure.log" 2>&1 ||
  { cat "$dir.configure.log"; exit 1; }
# STRATA_TARGETS limits the build to some targets (the demo needs only `strata`).
ninja -C "$dir" -j"$(nproc)" ${STRATA_TARGETS:-}
ln -sf "$dir/compile_commands.json" "$root/compile_commands.json" 2>/dev/null || true
