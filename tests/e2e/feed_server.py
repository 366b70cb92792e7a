"""A local HTTP server for `strata db update` tests: serves a directory on 127.0.0.1 (a free
port, printed on the first line of stdout) and misbehaves on purpose under some prefixes:
  /flaky/...   500 on the first request of each path, then the file;
  /limited/... 429 with Retry-After: 1 on the first request of each path, then the file;
  /moved/...   a 302 redirect to the same path without the prefix.
It stops by itself after --seconds (default 120), so a failed test leaves nothing running.

usage: feed_server.py DIRECTORY [--seconds N]
"""
import functools
import http.server
import sys
import threading

seen = set()
lock = threading.Lock()


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        for prefix, status in (("/flaky/", 500), ("/limited/", 429)):
            if self.path.startswith(prefix):
                with lock:
                    first = self.path not in seen
                    seen.add(self.path)
                if first:
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.path = "/" + self.path[len(prefix):]
        if self.path.startswith("/moved/"):
            self.send_response(302)
            self.send_header("Location", "/" + self.path[len("/moved/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def main() -> None:
    directory = sys.argv[1]
    seconds = int(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 120
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=directory))
    print(server.server_address[1], flush=True)
    threading.Timer(seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
