"""The preview server, as an author uses it: a real process, real saves, real HTTP requests."""
from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

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
        assert "base_url:" not in body and "root:" not in body  # (a 404 is the site's own page)


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


@contextlib.contextmanager
def logged_server(project: Path) -> Iterator[tuple[int, Path]]:
    """A `serve` process on the project, its output in a log file: (port, log), once it answers."""
    port = free_port()
    log = project.parent / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: _up(port)), "server did not start"
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def rebuild_lines(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines() if "✓" in line or "✗" in line]


def test_serve_logs_the_viewed_page_written_first(project: Path):
    """With a page open, a save rewrites it first and the log line says so."""
    with logged_server(project) as (port, log):
        assert fetch(port, "/entities/london/")[0] == 200  # the author opens London's page
        edit(project / "content/entities.yaml", "summary: Capital city", "summary: The capital city")
        assert wait_for(lambda: rebuild_lines(log))
        line = rebuild_lines(log)[0]
        # London's page (and the home page, requested when the test waited for the server) came first
        first, _, rest = line.partition(" on disk in ")
        assert first == "✓ content/entities.yaml: entities/london/, /" and " pages re-rendered in " in rest, line


def test_a_save_through_a_temporary_copy_rebuilds_once_for_the_file(project: Path):
    """`sed -i` (and editors that save safely) write a copy beside the file, then rename it into
    place: the copy is no file the site is made from, and gets no rebuild or log line of its own."""
    with logged_server(project) as (port, log):
        target = project / "content/entities.yaml"
        copy = project / "content/sedXk3Pq"
        copy.write_text(target.read_text(encoding="utf-8").replace("Capital city", "Capital town"), encoding="utf-8")
        time.sleep(0.3)  # the copy, closed: reported by the watcher on its own
        os.replace(copy, target)
        assert wait_for(lambda: "Capital town" in fetch(port, "/entities/london/")[1])
        assert wait_for(lambda: rebuild_lines(log))
        time.sleep(0.3)
        lines = rebuild_lines(log)
        assert len(lines) == 1 and lines[0].startswith("✓ content/entities.yaml: "), lines


def test_the_preview_rebuilds_for_the_files_the_site_is_made_from(tmp_path: Path):
    from explainer.serve import makes_the_site
    made_from = ["content", "content/site.yaml", "content/entities.yaml", "content/entities",
                 "content/entities/ada.yaml", "content/glossary/terms.yml", "seeds/engines.txt", "seeds/a.md",
                 "templates/entity.html", "templates/partials/x.html", "static/style.css", "seeds"]
    not_made_from = ["content/sedXk3Pq", "content/entities.yaml.tmp", "content/4913", "content/notes.txt",
                     "content/entities/ada.yaml.swp.x", "content/entities/.ada.yaml", "content/other/x.yaml",
                     "seeds/engines.txt.bak", "seeds/drafts/a.md", "seeds/.engines.txt.swx", "site/index.html"]
    assert [p for p in made_from if not makes_the_site(tmp_path / p, tmp_path)] == []
    assert [p for p in not_made_from if makes_the_site(tmp_path / p, tmp_path)] == []


def test_templates_compiled_ahead_are_used_only_for_the_same_source(tmp_path: Path, monkeypatch):
    """The preview compiles a saved template while the watcher waits for the save to settle; the
    rebuild then uses that code only if the file still holds exactly the source it was made from."""
    import time as clock

    import jinja2

    from explainer.render import make_environment, precompile

    def compile_ahead(name: str) -> None:
        source, filename, _ = env.loader.get_source(env, name)
        precompile(env, name, source, filename)

    (tmp_path / "t.html").write_text("one {{ x }}", encoding="utf-8")
    env = make_environment(tmp_path, auto_reload=True)
    assert env.get_template("t.html").render(x=1) == "one 1"
    compiled: list[str] = []
    original = env.compile
    monkeypatch.setattr(env, "compile", lambda source, *a, **k: compiled.append(source) or original(source, *a, **k))

    clock.sleep(0.01)
    (tmp_path / "t.html").write_text("two {{ x }}", encoding="utf-8")
    compile_ahead("t.html")
    assert compiled == ["two {{ x }}"]
    assert env.get_template("t.html").render(x=2) == "two 2"
    assert compiled == ["two {{ x }}"]  # the rebuild did not compile it again

    clock.sleep(0.01)
    compile_ahead("t.html")  # compiled ahead of a write that then changed the file again
    (tmp_path / "t.html").write_text("three {{ x }}", encoding="utf-8")
    assert env.get_template("t.html").render(x=3) == "three 3"  # never the stale code

    (tmp_path / "t.html").write_text("broken {{ x ", encoding="utf-8")
    compile_ahead("t.html")  # no exception here: the rebuild reports it
    with pytest.raises(jinja2.TemplateSyntaxError):
        env.get_template("t.html")


def test_a_page_that_connects_after_a_reload_was_sent_is_told_to_reload():
    """livereload tells only the browsers connected at that moment; a page that was still loading
    (served before the reload went out) must reload when it connects, or it keeps a stale view."""
    from explainer.serve import Viewers

    viewers = Viewers()
    viewers.saw("entities/london/index.html")
    served = time.monotonic()
    assert viewers.served_before("http://127.0.0.1:8000/entities/london/", served + 1)
    assert not viewers.served_before("http://127.0.0.1:8000/entities/london/", served - 1)
    assert not viewers.served_before("http://127.0.0.1:8000/entities/paris/", served + 1)  # never served
    viewers.saw("index.html")
    assert viewers.served_before("http://127.0.0.1:8000/", served + 1)
    viewers.saw("a b.html")  # files are recorded by name, browsers report URLs
    assert viewers.served_before("http://127.0.0.1:8000/a%20b.html", served + 1)


def test_a_save_made_as_soon_as_the_watcher_is_ready_is_seen(tmp_path: Path):
    """The server waits for its watchers' `ready` before it answers: from then on no save is
    missed, however soon it comes (a busy machine once lost the first save of a test)."""
    import threading

    from explainer.watch import watch
    (tmp_path / "content").mkdir()
    seen: list[set[Path]] = []
    got, ready, stop = threading.Event(), threading.Event(), threading.Event()

    def on_change(paths: set[Path]) -> None:
        seen.append(paths)
        got.set()

    worker = threading.Thread(target=watch, args=([tmp_path / "content"], on_change, stop), kwargs={"ready": ready},
                              daemon=True)
    worker.start()
    try:
        assert ready.wait(10), "the watcher never said it was ready"
        (tmp_path / "content" / "entities.yaml").write_text("- id: x\n", encoding="utf-8")  # at once
        assert got.wait(10), "the first save after ready was missed"
        assert any(path.name == "entities.yaml" for paths in seen for path in paths)
    finally:
        stop.set()
        worker.join(5)
    assert not worker.is_alive()


def test_a_page_that_connects_late_gets_what_it_missed():
    """A page served before a save but connected after its push is reloaded; when only the
    stylesheet changed since it was served, its stylesheet is swapped instead (the reader keeps
    their place); a page served after every push gets nothing."""
    from explainer.serve import Viewers, late_reload
    viewers = Viewers()
    viewers.saw("entities/london/index.html")
    served = time.monotonic()
    url = "http://127.0.0.1:8000/entities/london/"
    assert late_reload(viewers, url, {"*": served + 1, "style.css": 0.0}) == "*"
    assert late_reload(viewers, url, {"*": served - 1, "style.css": served + 1}) == "style.css"
    assert late_reload(viewers, url, {"*": served + 1, "style.css": served + 2}) == "*"
    assert late_reload(viewers, url, {"*": served - 1, "style.css": served - 1}) is None
