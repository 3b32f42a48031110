"""The preview server in a real browser: a save reloads the open page, a CSS save swaps the
stylesheet without reloading, a broken save shows the overlay and the next good save clears it.

(The overlay test found that a browser revalidating its cached page got "304 Not Modified" for a
file that had not changed on disk, so the overlay never appeared: HTML is now sent uncached.)"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import REPO

MINI = REPO / "tests" / "fixtures" / "mini"
# a rebuild takes well under a second; the margin is for a CI machine running other suites at once
SLOW_MACHINE_MS = 30_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def preview(tmp_path: Path):
    """`build.py serve` over a copy of the mini project, with its own templates and static files."""
    project = tmp_path / "proj"
    shutil.copytree(MINI, project)
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "static", project / "static")
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"serve did not start:\n{log.read_text()}")
                time.sleep(0.1)
        yield project, url, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def _open(page, url: str) -> None:
    """Open a preview page, wait until livereload's websocket is up, and mark the window (a full
    reload forgets the mark; a stylesheet swap keeps it)."""
    page.goto(url)
    # livereload.js sets the connector's protocol once its websocket has said hello to the server:
    # before that, a save's reload would not reach this page (a fixed wait was not enough on a busy
    # machine)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector"
                           " && window.LiveReload.connector.protocol >= 6", timeout=SLOW_MACHINE_MS)
    page.wait_for_timeout(200)  # the page's "info" message (its URL) reaches the server after the hello
    page.evaluate("window.__notReloaded = true")


def test_save_reloads_the_open_page(page, preview):
    project, url, _log = preview
    _open(page, url + "/entities/london/")
    _edit(project / "content/entities.yaml", "summary: Capital city", "summary: The great capital city")
    page.wait_for_function("() => document.body.innerText.includes('The great capital city')", timeout=SLOW_MACHINE_MS)
    assert page.evaluate("window.__notReloaded === undefined"), "the page should have been reloaded"


def test_css_save_swaps_the_stylesheet_without_a_reload(page, preview):
    project, url, _log = preview
    _open(page, url + "/articles/engines/")
    with open(project / "static/style.css", "a", encoding="utf-8") as css:
        css.write("\nbody { outline: 3px solid rgb(1, 2, 3); }\n")
    page.wait_for_function("() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'", timeout=SLOW_MACHINE_MS)
    assert page.evaluate("window.__notReloaded === true"), "a CSS save must not reload the page"


def test_broken_save_shows_the_overlay_then_clears_it(page, preview):
    project, url, _log = preview
    _open(page, url + "/entities/london/")
    _edit(project / "content/entities.yaml", "kind: place", "kind: plase")
    overlay = page.locator("#explainer-errors")
    overlay.wait_for(state="visible", timeout=SLOW_MACHINE_MS)
    text = overlay.inner_text()
    assert "content/entities.yaml:" in text and "did you mean" in text
    alert = page.get_by_role("alert")  # announced to screen readers
    alert.first.wait_for(state="visible", timeout=SLOW_MACHINE_MS)
    assert "content/entities.yaml:" in alert.first.inner_text()
    assert "Capital city" in page.locator("main").inner_text()  # the last good page stays underneath
    _edit(project / "content/entities.yaml", "kind: plase", "kind: place")
    overlay.wait_for(state="detached", timeout=SLOW_MACHINE_MS)
