"""Serve a built site on 127.0.0.1 the way the production host does: text compressed (gzip).

Lighthouse's simulated slow 4G counts transfer sizes, so an uncompressed local server makes every
page look three to four times heavier than it is on Netlify, which compresses HTML, CSS, JS and SVG.
Usage: python serve_compressed.py PORT SITE_DIR
"""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import sys

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class CompressingHandler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        kind = self.guess_type(path)
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and os.path.isfile(path) and kind.startswith(COMPRESSED_TYPES)):
            return super().send_head()
        with open(path, "rb") as handle:
            body = gzip.compress(handle.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


if __name__ == "__main__":
    port, site = int(sys.argv[1]), sys.argv[2]
    handler = functools.partial(CompressingHandler, directory=site)
    http.server.ThreadingHTTPServer(("127.0.0.1", port), handler).serve_forever()
