"""Browser tests: build the real site once, serve it on 127.0.0.1, drive Debian's chromium with Playwright.

Uses ``playwright.sync_api`` directly (no pytest-playwright). Never run ``playwright install``: the
browser is the system one at /usr/bin/chromium (installed by ./setup.sh).
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, REPO, SCREENSHOTS


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the built site: ``/path/`` serves ``path/index.html`` (the base class does that),
    anything missing gets ``404.html`` with status 404, like the deploy."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".svg": "image/svg+xml"}

    def list_directory(self, path):  # a folder without index.html is "not found", never a listing
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site (content/ and seeds/ of this repo), built once per session into a tmp folder."""
    out = tmp_path_factory.mktemp("browser") / "site"
    subprocess.run([sys.executable, "build.py", "build", "--out", str(out)], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    assert (out / "index.html").is_file() and (out / "search-index" / "meta.json").is_file(), "the build did not write the site"
    return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(folder: Path):
    """``http://127.0.0.1:PORT`` serving a built site from a background thread."""
    handler = functools.partial(SiteHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def base_url(built_site: Path):
    with _serving(built_site) as url:
        yield url


HUB_ARTICLES = 40  # more than an entity page quotes with snippets (25) and the glossary names (5)


@pytest.fixture(scope="session")
def hub_url(tmp_path_factory):
    """A site of many articles (the mini fixture plus HUB_ARTICLES more), for the parts the
    one-article real site never shows: "Also mentioned in" on entity pages, the glossary's
    "Used in N articles" with its search link."""
    project = tmp_path_factory.mktemp("hub") / "project"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", project)
    for number in range(HUB_ARTICLES):
        (project / "seeds" / f"hub-{number:02d}.md").write_text(
            f'---\ntitle: "Hub article {number}"\nslug: hub-{number:02d}\npublished: "2020-{number % 12 + 1:02d}"\n---\n\n'
            f"Lovelace wrote an algorithm for the Engine, note {number}.\n\n"
            f"- Babbage\n- the Countess and her algorithm\n", encoding="utf-8")
    out = project / "site"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "build", "--out", str(out)],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    with _serving(out) as url:
        yield url


@pytest.fixture(scope="session")
def split_site(tmp_path_factory) -> Path:
    """The mini project with a glossary and a timeline split into pages (low limits passed in)."""
    from helpers import build_split_site

    return build_split_site(tmp_path_factory.mktemp("split"))


@pytest.fixture(scope="session")
def split_url(split_site: Path):
    with _serving(split_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: run ./setup.sh (it installs Debian's chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser context per test (desktop width unless the test sets the viewport)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
