#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install dependencies, build strata, build a small OCI
# image from this machine's own files (its os-release and dpkg database, so nothing is
# downloaded), and print its inventory; then start a local cluster (Redis, PostgreSQL, a
# coordinator and two workers, all on loopback), scan the same image there twice (the second time
# from the layer cache), and stop it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/deploy/bootstrap.sh"
echo "== building strata (log: build.log)"
if ! STRATA_TARGETS="strata strata-coordinator strata-worker" bash "$root/deploy/build.sh" "$root/build" \
  >"$root/build.log" 2>&1; then
  tail -n 40 "$root/build.log" >&2
  echo "demo.sh: the build failed; the end of build.log is above" >&2
  exit 1
fi

work=$(mktemp -d /tmp/strata-demo.XXXXXX)
cluster=
cleanup() {
  if [[ -n $cluster ]]; then bash "$root/deploy/local/down.sh" "$cluster" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
image="$work/image"
mkdir -p "$image/blobs/sha256" "$work/rootfs/etc" "$work/rootfs/var/lib/dpkg"
cp /etc/os-release "$work/rootfs/etc/os-release"
cp /var/lib/dpkg/status "$work/rootfs/var/lib/dpkg/status"

# blob FILE: moves FILE into the layout under its sha256 and prints the digest.
blob() {
  local sum
  sum=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "$image/blobs/sha256/$sum"
  echo "sha256:$sum"
}
tar -C "$work/rootfs" --owner=0 --group=0 -cf "$work/layer.tar" etc var
diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
gzip -n "$work/layer.tar"
layer_size=$(stat -c %s "$work/layer.tar.gz")
layer=$(blob "$work/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$diff_id" >"$work/config.json"
config_size=$(stat -c %s "$work/config.json")
config=$(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
manifest_size=$(stat -c %s "$work/manifest.json")
manifest=$(blob "$work/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' >"$image/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"demo"}}]}' \
  "$manifest" "$manifest_size" >"$image/index.json"

"$root/build/cli/strata" inventory "oci:$image:demo" --format table
"$root/build/cli/strata" inventory "oci:$image:demo" --format json --output "$work/inventory.json"
echo "JSON inventory: $(grep -c '"purl"' "$work/inventory.json") packages (strata inventory oci:DIR:demo --format json)"

echo
echo "== the same image on a local cluster (deploy/local/up.sh)"
# The cluster's feed store starts empty unless STRATA_FEEDS names feeds: this machine reaches no feed.
# up.sh prints assignments on stdout and its progress and errors on stderr, which stay visible.
if ! env_text=$(bash "$root/deploy/local/up.sh"); then
  echo "demo.sh: the local cluster did not start (deploy/local/up.sh failed; its error is above)" >&2
  exit 1
fi
eval "$env_text"
cluster=$STRATA_DIR
echo "coordinator at $STRATA_SERVER; tenant 'local'; feed store in PostgreSQL (empty unless you import feeds: strata-coordinator feeds import DIR...)"
for pass in first second; do
  "$root/build/cli/strata" submit --wait --format summary "oci:$image:demo"
  analyzed=$(curl -s "$STRATA_OPERATOR_SERVER/metrics" | sed -n 's/^strata_layers_analyzed_total //p')
  hits=$(curl -s "$STRATA_OPERATOR_SERVER/metrics" | sed -n 's/^strata_layer_cache_hits_total //p')
  echo "after the $pass scan: layers analysed $analyzed, layer cache hits $hits"
done
