"""A registry that misbehaves on purpose, for strata's registry client tests.

Serves the OCI image layout in DIRECTORY as repository REPO over the OCI Distribution API on
127.0.0.1 (a free port, printed on the first line of stdout), and logs every request it answers
to --log as one JSON object per line (method, path, the Range and Authorization headers it saw,
the status it sent). Faults, each counted over the requests of its kind:

  --fail-429 N        the first N blob GETs answer 429 with Retry-After: 1
  --fail-500 N        the first N blob GETs answer 500
  --cut-after BYTES   the first GET of each blob sends BYTES of it, then closes the connection
  --corrupt-blobs     every layer blob has one byte changed (its digest no longer matches)
  --pad-manifests N   manifests are padded with N spaces (a too-large manifest)
  --redirect-blobs    blob GETs answer 307 to /storage/DIGEST on the host named by
                      --redirect-host (default "localhost", i.e. another origin than 127.0.0.1)
  --schema1           manifests are answered as Docker schema 1
  --token USER:PASS   the API wants a bearer token from /token (realm on this server), which
                      issues one only for HTTP basic USER:PASS; tokens last --token-seconds
  --page-size N       tags/list and _catalog pages hold N entries, linked with Link headers
  --extra-repositories A,B  more names in _catalog (their tags are unknown)
  --slow-listings S   every tags/list and _catalog page waits S seconds before it is answered
  --generated-repositories N  N more names in _catalog (spam/r0 … spam/rN-1): a huge listing

It stops by itself after --seconds (default 120), so a failed test leaves nothing running.

usage: fault_registry.py DIRECTORY REPO --log FILE [faults...]
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse

args = None
lock = threading.Lock()
counts = {"blob_get": 0}
cut_done = set()
tokens = {}  # token -> expiry
index = None


def blob_path(digest):
    return os.path.join(args.directory, "blobs", "sha256", digest.split(":", 1)[1])


def descriptors():
    """Every manifest descriptor reachable from index.json (tags live in annotations)."""
    return index.get("manifests", [])


def is_manifest_digest(digest):
    return any(d["digest"] == digest for d in descriptors())


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def record(self, status):
        entry = {
            "method": self.command,
            "path": self.path,
            "host": self.headers.get("Host", ""),
            "range": self.headers.get("Range"),
            "authorization": self.headers.get("Authorization") is not None,
            "status": status,
        }
        with lock, open(args.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def reply(self, status, body=b"", headers=None, content_type="application/json"):
        self.record(status)
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message, headers=None):
        if args.hostile_errors:
            # Valid JSON of the wrong types where the spec has strings (issue 14: a numeric
            # code crashed the coordinator).
            code, message = 123, None
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.reply(status, body, headers)

    def authorized(self):
        if not args.token:
            return True
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            with lock:
                expiry = tokens.get(header[7:])
            if expiry and expiry > time.time():
                return True
        host = "%s:%d" % (args.realm_host, self.server.server_address[1])
        realm = 'Bearer realm="http://%s/token",service="fault-registry",scope="repository:%s:pull"' % (host, args.repo)
        self.error(401, "UNAUTHORIZED", "authentication required", {"WWW-Authenticate": realm})
        return False

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        path = url.path
        query = urllib.parse.parse_qs(url.query)
        if path == "/token":
            return self.token(query)
        if path.startswith("/storage/"):
            return self.blob(path[len("/storage/"):], redirected=True)
        if not path.startswith("/v2/"):
            return self.error(404, "NOT_FOUND", "no such path")
        if not self.authorized():
            return
        rest = path[4:]
        if rest == "" or rest == "/":
            return self.reply(200, b"{}")
        if rest == "_catalog":
            names = [args.repo] + [r for r in args.extra_repositories.split(",") if r]
            names += ["spam/r%d" % i for i in range(args.generated_repositories)]
            return self.page(sorted(names), query, "repositories", "/v2/_catalog")
        prefix = args.repo + "/"
        if not rest.startswith(prefix):
            return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
        rest = rest[len(prefix):]
        if rest == "tags/list":
            tags = sorted({d.get("annotations", {}).get("org.opencontainers.image.ref.name")
                           for d in descriptors()} - {None})
            return self.page(tags, query, "tags", "/v2/%s/tags/list" % args.repo)
        if rest.startswith("manifests/"):
            return self.manifest(rest[len("manifests/"):])
        if rest.startswith("blobs/"):
            return self.blob(rest[len("blobs/"):])
        return self.error(404, "NOT_FOUND", "no such path")

    def token(self, query):
        user, _, password = args.token.partition(":")
        expected = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self.error(401, "UNAUTHORIZED", "bad credentials")
        value = secrets.token_hex(16)
        with lock:
            tokens[value] = time.time() + args.token_seconds
        body = json.dumps({"token": value, "expires_in": args.token_seconds}).encode()
        self.reply(200, body)

    def page(self, items, query, field, path):
        if args.slow_listings:
            time.sleep(args.slow_listings)
        n = args.page_size or int(query.get("n", ["100"])[0])
        last = query.get("last", [None])[0]
        if last is not None:
            items = [i for i in items if i > last]
        chunk = items[:n]
        headers = {}
        if len(items) > n:
            headers["Link"] = '<%s?n=%d&last=%s>; rel="next"' % (path, n, urllib.parse.quote(chunk[-1]))
        body = {field: chunk}
        if field == "tags":
            body["name"] = args.repo
        self.reply(200, json.dumps(body).encode(), headers)

    def manifest(self, reference):
        if reference.startswith("sha256:"):
            digest = reference
        else:
            matches = [d for d in descriptors()
                       if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == reference]
            if not matches:
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            digest = matches[0]["digest"]
        try:
            with open(blob_path(digest), "rb") as f:
                body = f.read()
        except OSError:
            return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        media_type = json.loads(body).get("mediaType", "application/vnd.oci.image.manifest.v1+json")
        if args.schema1:
            body = json.dumps({"schemaVersion": 1, "name": args.repo, "tag": reference, "fsLayers": []}).encode()
            media_type = "application/vnd.docker.distribution.manifest.v1+prettyjws"
        if args.pad_manifests:
            body = body + b" " * args.pad_manifests
        real = "sha256:" + hashlib.sha256(body).hexdigest()
        self.reply(200, body, {"Docker-Content-Digest": real}, media_type)

    def blob(self, digest, redirected=False):
        try:
            with open(blob_path(digest), "rb") as f:
                body = f.read()
        except OSError:
            return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
        config_or_manifest = len(body) < 64 * 1024 and body.startswith(b"{")
        if not redirected and self.command == "GET" and not config_or_manifest:
            with lock:
                counts["blob_get"] += 1
                n = counts["blob_get"]
            if n <= args.fail_429:
                return self.error(429, "TOOMANYREQUESTS", "slow down", {"Retry-After": "1"})
            if n <= args.fail_429 + args.fail_500:
                return self.error(500, "UNKNOWN", "try again")
            if args.redirect_blobs:
                port = self.server.server_address[1]
                return self.reply(307, b"", {"Location": "http://%s:%d/storage/%s" % (args.redirect_host, port, digest)})
        if args.corrupt_blobs and not config_or_manifest:
            body = bytearray(body)
            body[len(body) // 2] ^= 0xFF
            body = bytes(body)
        start = 0
        status = 200
        headers = {"Docker-Content-Digest": digest, "Accept-Ranges": "bytes"}
        requested = self.headers.get("Range")
        if requested and requested.startswith("bytes="):
            start = int(requested[len("bytes="):].split("-")[0])
            status = 206
            headers["Content-Range"] = "bytes %d-%d/%d" % (start, len(body) - 1, len(body))
        part = body[start:]
        cut = None
        if args.cut_after and not config_or_manifest and self.command == "GET":
            with lock:
                if digest not in cut_done:
                    cut_done.add(digest)
                    cut = args.cut_after
        if cut is None and (args.drip_blobs or args.endless_blobs) and not config_or_manifest and self.command == "GET":
            # Hostile pacing: 64 bytes every drip_blobs seconds, or the blob and then bytes forever.
            self.record(status)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/octet-stream")
            if not args.endless_blobs:
                self.send_header("Content-Length", str(len(part)))
            self.end_headers()
            try:
                if args.drip_blobs:
                    for at in range(0, len(part), 64):
                        self.wfile.write(part[at:at + 64])
                        self.wfile.flush()
                        time.sleep(args.drip_blobs)
                else:
                    self.wfile.write(part)
                    while True:
                        self.wfile.write(b"\0" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return None
        if cut is None:
            return self.reply(status, part, headers, "application/octet-stream")
        # Promise the whole body, send part of it, and hang up.
        self.record(status)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(part)))
        self.end_headers()
        self.wfile.write(part[:cut])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)


def main():
    global args, index
    p = argparse.ArgumentParser()
    p.add_argument("directory")
    p.add_argument("repo")
    p.add_argument("--log", required=True)
    p.add_argument("--fail-429", type=int, default=0)
    p.add_argument("--fail-500", type=int, default=0)
    p.add_argument("--cut-after", type=int, default=0)
    p.add_argument("--corrupt-blobs", action="store_true")
    p.add_argument("--pad-manifests", type=int, default=0)
    p.add_argument("--redirect-blobs", action="store_true")
    p.add_argument("--redirect-host", default="localhost")
    p.add_argument("--schema1", action="store_true")
    p.add_argument("--hostile-errors", action="store_true")
    p.add_argument("--drip-blobs", type=float, default=0)
    p.add_argument("--endless-blobs", action="store_true")
    # The bearer challenge's realm host: another name than the registry's own phishes for its
    # credentials (issue 14, defect 3).
    p.add_argument("--realm-host", default="127.0.0.1")
    p.add_argument("--token", default="")
    p.add_argument("--token-seconds", type=int, default=300)
    p.add_argument("--page-size", type=int, default=0)
    p.add_argument("--extra-repositories", default="")
    p.add_argument("--slow-listings", type=float, default=0)
    p.add_argument("--generated-repositories", type=int, default=0)
    p.add_argument("--seconds", type=float, default=120)
    args = p.parse_args()
    with open(os.path.join(args.directory, "index.json")) as f:
        index = json.load(f)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(args.seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
