"""The preview server, as an author uses it: a real process, real saves, real HTTP requests."""
from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, edit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)  # sent as written: no client-side normalisation of ..
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def server(project: Path):
    port = free_port()
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: _up(port)), "server did not start"
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _up(port: int) -> bool:
    try:
        return fetch(port, "/")[0] == 200
    except OSError:
        return False


def test_serves_on_loopback_with_livereload_and_rebuilds_on_save(server, project: Path):
    port, _process = server
    status, page = fetch(port, "/articles/engines/")
    assert status == 200 and "livereload.js" in page
    edit(project / "seeds/engines.txt", "outlived", "survived")
    assert wait_for(lambda: "survived" in fetch(port, "/articles/engines/")[1])


def test_broken_save_shows_overlay_and_keeps_last_good_site(server, project: Path):
    port, _process = server
    edit(project / "content/entities.yaml", "kind: place", "kind: plase")
    assert wait_for(lambda: "explainer-errors" in fetch(port, "/entities/london/")[1])
    page = fetch(port, "/entities/london/")[1]
    assert "content/entities.yaml:22:9" in page and "did you mean" in page
    assert "Capital city" in page  # the last good page is still there under the overlay
    edit(project / "content/entities.yaml", "kind: plase", "kind: place")
    assert wait_for(lambda: "explainer-errors" not in fetch(port, "/entities/london/")[1])


def test_only_the_output_folder_is_served(server, project: Path):
    port, _process = server
    for path in ("/../content/site.yaml", "/%2e%2e/content/site.yaml", "/..%2fcontent/site.yaml",
                 "/../../etc/passwd", "/content/site.yaml", "/seeds/engines.txt"):
        status, body = fetch(port, path)
        assert status in (403, 404), path
        assert "Mini explainer" not in body and "root:" not in body


def test_viewers_remember_the_last_pages_served():
    from explainer.serve import Viewers

    viewers = Viewers(keep=2)
    viewers.saw("index.html")
    viewers.saw("entities/london/index.html")
    moment = time.monotonic()
    viewers.saw("index.html")  # seen again: now the most recent
    viewers.saw("articles/engines/index.html")  # pushes out the oldest
    assert viewers.pages() == ("index.html", "articles/engines/index.html")
    assert viewers.since(moment) == {"index.html", "articles/engines/index.html"}


def test_serve_logs_the_viewed_page_written_first(project: Path):
    """With a page open, a save rewrites it first and the log line says so."""
    port = free_port()
    log = project.parent / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: _up(port)), "server did not start"
        assert fetch(port, "/entities/london/")[0] == 200  # the author opens London's page
        edit(project / "content/entities.yaml", "summary: Capital city", "summary: The capital city")
        assert wait_for(lambda: "✓" in log.read_text(encoding="utf-8"))
        line = next(l for l in log.read_text(encoding="utf-8").splitlines() if "✓" in l)
        # London's page (and the home page, requested when the test waited for the server) came first
        first, _, rest = line.partition(" on disk in ")
        assert first == "✓ content/entities.yaml: entities/london/, /" and " pages re-rendered in " in rest, line
    finally:
        process.terminate()
        process.wait(timeout=10)
