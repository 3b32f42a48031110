"""The site under the production headers from netlify.toml: no Content-Security-Policy violations.

A small server on 127.0.0.1 sends, for each path, the headers Netlify's own config parser resolves
from netlify.toml (the same rules, matched the same way: `/*` and `/static/*` style globs).
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from browser_support import PAGES, REPO

NETLIFY_CONFIG = REPO / "node_modules" / ".bin" / "netlify-config"


def resolved_headers() -> list[tuple[re.Pattern, dict]]:
    if not NETLIFY_CONFIG.exists():
        pytest.fail("Netlify's config parser is missing: run ./setup.sh (npm ci)", pytrace=False)
    env = {**os.environ, "CI": "true", "NO_UPDATE_NOTIFIER": "1", "FORCE_COLOR": "0"}
    proc = subprocess.run([str(NETLIFY_CONFIG), "--offline", "--stable", "--context", "production", "--cwd", str(REPO)],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    rules = json.loads(proc.stdout)["config"]["headers"]
    return [(re.compile("^" + re.escape(rule["for"]).replace(r"\*", ".*") + "$"), rule["values"]) for rule in rules]


class HeaderHandler(http.server.SimpleHTTPRequestHandler):
    rules: list = []
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".svg": "image/svg+xml"}

    def end_headers(self):
        path = self.path.split("?", 1)[0]
        for pattern, values in self.rules:
            if pattern.match(path):
                for name, value in values.items():
                    self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def csp_url(built_site: Path):
    handler_class = type("Handler", (HeaderHandler,), {"rules": resolved_headers()})
    handler = functools.partial(handler_class, directory=str(built_site))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def watch_violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if ("Content Security Policy" in m.text or
                                                          "Refused to" in m.text) else None)
    page.on("pageerror", lambda e: found.append(str(e)))
    return found


@pytest.mark.parametrize("kind", [k for k in PAGES if k != "404"])
def test_no_csp_violations(browser, csp_url, kind):
    context = browser.new_context()
    page = context.new_page()
    violations = watch_violations(page)
    response = page.goto(csp_url + PAGES[kind], wait_until="networkidle")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    link = page.locator("main a[data-card]").first
    if link.count():
        link.hover()
        page.wait_for_selector("#preview-card", state="visible")  # the script really ran
    if kind == "search":
        page.fill("#search-input", "Bremmer")
        page.wait_for_selector(".search-result h2 a", timeout=15_000)  # the search script ran under the policy
    context.close()
    assert violations == []
