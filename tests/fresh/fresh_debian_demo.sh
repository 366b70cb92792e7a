#!/usr/bin/env bash
# A fresh machine as a test: builds a minimal Debian 12 root (debootstrap --variant=minbase
# bookworm), puts this checkout in it as a clone under /root, and runs `bash deploy/demo.sh` there
# as root, as a newcomer would on a new machine. Passes when the demo exits 0 and its output shows
# the inventory of every installed package, then two cluster passes: the layer analysed once, and
# served from the layer cache the second time.
#
#   tests/fresh/fresh_debian_demo.sh WORKDIR
#
# WORKDIR keeps the debootstrap tarball and the downloaded .debs, so a second run downloads
# nothing; the root itself is made anew each run. The checkout is the repository's HEAD plus its
# uncommitted and untracked (not ignored) files: what a clone would hold once they were committed.
# The host's ccache directory is lent to the root: the root compiles with its own compiler and
# headers (a missing one is a miss, never a hit), and objects equal to the host's are reused.
#
# STRATA_FRESH_RUN=test runs `bash deploy/test.sh` there instead (the whole suite on a fresh
# machine, about as long as CI; not part of the suite itself) and passes when it exits 0 with no
# test failed.
#
# Skips (exit 77) with the reason: STRATA_SKIP_FRESH_MACHINE=1, not root, no debootstrap, or the
# Debian mirror (STRATA_DEBIAN_MIRROR, default deb.debian.org) unreachable.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: fresh_debian_demo.sh WORKDIR}
mirror=${STRATA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${STRATA_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

skip() {
  echo "SKIPPED: fresh Debian 12 demo: $*" >&2
  exit 77
}
[[ -z ${STRATA_SKIP_FRESH_MACHINE:-} ]] || skip "STRATA_SKIP_FRESH_MACHINE is set"
[[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, chroot and mounts)"
command -v debootstrap >/dev/null 2>&1 || skip "debootstrap is not installed (deploy/bootstrap.sh installs it)"
curl -sfI --max-time 30 "$mirror/dists/bookworm/Release" >/dev/null ||
  skip "the Debian mirror $mirror cannot be reached"

mkdir -p "$work/cache/apt-archives/partial"
work=$(cd "$work" && pwd)
rootfs=$work/root
tarball=$work/cache/minbase-bookworm.tgz

# Every mount point under the root, deepest first.
mounts_under_root() {
  awk -v r="$rootfs" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}
# Ends the processes still running inside the root (the demo stops its own; this is for a demo
# killed half-way), then unmounts everything under it.
release_root() {
  local pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$rootfs" ]] && kill -KILL "$pid" 2>/dev/null || true
  done
  local m
  for m in $(mounts_under_root); do umount "$m" 2>/dev/null || umount -l "$m"; done
}
trap release_root EXIT

release_root
if [[ -n $(mounts_under_root) ]]; then
  echo "fresh_debian_demo: $rootfs still has mounts; not removing it" >&2
  exit 1
fi
rm -rf --one-file-system "$rootfs"

if [[ ! -f $tarball ]]; then
  echo "== debootstrap --variant=minbase bookworm (once; kept in $tarball)"
  debootstrap --variant=minbase --make-tarball="$tarball.partial" bookworm "$work/tarball-root" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  mv "$tarball.partial" "$tarball"
  rm -rf --one-file-system "$work/tarball-root"
fi
echo "== a minimal Debian 12 root in $rootfs"
debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$rootfs" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
# The sources of a fresh installation: the release, its updates and its security archive.
cat >"$rootfs/etc/apt/sources.list" <<EOS
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
EOS
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
# As in any chroot or container: packages install, but their services (redis-server, postgresql)
# are not started by their maintainer scripts; the demo starts its own on free ports.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"

mount -t proc proc "$rootfs/proc"
mount -t sysfs sysfs "$rootfs/sys"
mount --rbind /dev "$rootfs/dev"
mount --make-rslave "$rootfs/dev"
mount --bind "$work/cache/apt-archives" "$rootfs/var/cache/apt/archives"
ccache_env=()
if command -v ccache >/dev/null 2>&1; then
  host_ccache=$(ccache -k cache_dir)
  mkdir -p "$host_ccache" "$rootfs/var/cache/strata-ccache"
  mount --bind "$host_ccache" "$rootfs/var/cache/strata-ccache"
  ccache_env=(CCACHE_DIR=/var/cache/strata-ccache)
fi

echo "== the checkout, cloned to /root/strata"
git clone -q "$src" "$rootfs/root/strata"
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$rootfs/root/strata" -xf -

run=${STRATA_FRESH_RUN:-demo}
[[ $run == demo || $run == test ]] || { echo "fresh_debian_demo: STRATA_FRESH_RUN is demo or test" >&2; exit 2; }
echo "== bash deploy/$run.sh, as root in the fresh root"
log=$work/$run.log
rc=0
chroot "$rootfs" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${ccache_env[@]}" \
  /bin/bash -c "cd /root/strata && bash deploy/$run.sh" >"$log" 2>&1 || rc=$?
cat "$log"
if [[ $run == test ]]; then
  summary=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
  if [[ $rc -ne 0 || ! $summary =~ ", 0 failed" ]]; then
    echo "FAILED: deploy/test.sh in a fresh Debian 12 root exited $rc (${summary:-no summary line})" >&2
    exit 1
  fi
  echo "deploy/test.sh in a fresh Debian 12 root: $summary"
  exit 0
fi
installed=$(chroot "$rootfs" dpkg-query -W -f '${db:Status-Status}\n' | grep -cx installed || true)

failures=()
[[ $rc -eq 0 ]] || failures+=("deploy/demo.sh exited $rc")
grep -qx "JSON inventory: $installed packages (strata inventory oci:DIR:demo --format json)" "$log" ||
  failures+=("the inventory does not list the root's $installed installed packages")
grep -qx 'after the first scan: layers analysed 1, layer cache hits 0' "$log" ||
  failures+=("the first cluster pass did not analyse the one layer")
grep -qx 'after the second scan: layers analysed 1, layer cache hits 1' "$log" ||
  failures+=("the second cluster pass did not take the layer from the cache")
if ((${#failures[@]} > 0)); then
  printf 'FAILED: fresh Debian 12 demo: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "fresh Debian 12 demo: passed ($installed packages inventoried; one layer analysed, then a cache hit)"
