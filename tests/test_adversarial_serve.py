"""The second adversarial corpus, preview server class: what a web page the author happens to
open (DNS rebinding, a cross-site request, a foreign websocket) can do to `build.py serve`.

One real server process on a copy of the mini project answers every case; each asserts the
status (the server's "exit code" for a request), which request it was, and at the end that the
project's sources were not changed by any of it. See docs/security.md.
"""
from __future__ import annotations

import base64
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from adversarial import snapshot
from helpers import MINI, REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, path: str, host: str | None = None, headers: tuple[str, ...] = ()) -> tuple[int, dict, bytes]:
    """One raw HTTP/1.1 request, sent byte for byte as written (no client-side fixing of Host or path)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host if host is not None else f'127.0.0.1:{port}'}",
                 "Connection: close", *headers, "", ""]
        sock.sendall("\r\n".join(lines).encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), fields, body


def websocket(port: int, origin: str | None, host: str | None = None) -> int:
    """The status of a websocket handshake on /livereload with the given Origin."""
    key = base64.b64encode(os.urandom(16)).decode()
    headers = ("Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13",
               *([f"Origin: {origin}"] if origin else []))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        lines = ["GET /livereload HTTP/1.1", f"Host: {host or f'127.0.0.1:{port}'}", *headers, "", ""]
        sock.sendall("\r\n".join(lines).encode())
        return int(sock.recv(4096).split(b" ", 2)[1])


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    project = tmp_path_factory.mktemp("serve") / "proj"
    shutil.copytree(MINI, project)
    port = free_port()
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(port, "/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the preview did not start")
        sources = snapshot(project, (project / "site",))
        yield port, project
        assert snapshot(project, (project / "site",)) == sources, "the preview changed the project's sources"
    finally:
        process.terminate()
        process.wait(timeout=10)


HOST_CASES = [  # (Host header, status): only the address the preview listens on is answered
    ("evil.example", 403), ("evil.example:{port}", 403), ("127.0.0.1.evil.example:{port}", 403),
    ("localhost.evil.example", 403), ("EVIL.EXAMPLE:{port}", 403), ("", 403), ("127.0.0.1@evil.example", 403),
    ("[::1", 403), ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("LOCALHOST:{port}", 200),
    ("[::1]:{port}", 200), ("127.0.0.1", 200),
]


@pytest.mark.parametrize("host, status", HOST_CASES, ids=[h or "empty" for h, _ in HOST_CASES])
@pytest.mark.parametrize("path", ["/", "/entities/london/", "/livereload.js", "/no-such-page/"])
def test_host_header(preview, host: str, status: int, path: str):
    port, _ = preview
    got, _, body = request(port, path, host.format(port=port))
    expected = {404} if status == 200 and path == "/no-such-page/" else {400, 403} if status == 403 else {status}
    assert got in expected, (host, path)  # (tornado itself answers 400 to a Host it cannot parse)
    if status == 403:
        assert b"Mini explainer" not in body and b"Lovelace" not in body and b"livereload" not in body


ORIGIN_CASES = [("http://evil.example", 403), ("http://127.0.0.1:1", 403), ("null", 403),
                ("http://127.0.0.1.evil.example:{port}", 403), ("http://127.0.0.1:{port}", 101), (None, 101)]


@pytest.mark.parametrize("origin, status", ORIGIN_CASES, ids=[str(o) for o, _ in ORIGIN_CASES])
def test_websocket_origin(preview, origin: str | None, status: int):
    port, _ = preview
    assert websocket(port, origin.format(port=port) if origin else None) == status


def test_websocket_with_a_foreign_host_is_refused(preview):
    port, _ = preview
    assert websocket(port, "http://evil.example", host="evil.example") == 403


@pytest.mark.parametrize("path", ["/forcereload", "/forcereload?path=*"])
def test_no_state_change_on_a_cross_site_get(preview, path: str):
    port, _ = preview
    status, _, _ = request(port, path, headers=("Origin: http://evil.example", "Sec-Fetch-Site: cross-site"))
    assert status == 404, path  # livereload's reload-everyone endpoint is not served at all


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.txt", "/entities/%00/", "/static/%00style.css"])
def test_nul_in_a_path_is_a_bad_request(preview, path: str):
    port, _ = preview
    status, _, body = request(port, path)
    assert status == 400, path
    assert b"Traceback" not in body


def test_a_missing_page_is_the_sites_own_404_page(preview):
    """Issue 18: `serve` answers a missing page with the site's 404 page, status 404."""
    port, project = preview
    status, fields, body = request(port, "/entities/nobody/")
    assert status == 404
    assert fields["content-type"].startswith("text/html")
    built = (project / "site/404.html").read_bytes()
    assert b"<title>Page not found" in body and built.split(b"</head>")[1][:200] in body


def test_a_rebuilt_file_is_served_whole(preview):
    """While saves rebuild the page, every response has one version's length and body."""
    port, project = preview
    seed = project / "seeds/engines.txt"
    original = seed.read_text(encoding="utf-8")
    stop = threading.Event()

    def save_repeatedly() -> None:
        for n in range(30):
            if stop.is_set():
                break
            extra = " More words." * (n % 7 * 40)
            seed.write_text(original.replace("outlived", "outlived" + extra), encoding="utf-8")
            time.sleep(0.05)

    saver = threading.Thread(target=save_repeatedly)
    saver.start()
    responses = 0
    try:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            status, fields, body = request(port, "/articles/engines/")
            assert status == 200
            assert int(fields["content-length"]) == len(body)
            assert body.rstrip().endswith(b"</html>")
            responses += 1
    finally:
        stop.set()
        saver.join()
        seed.write_text(original, encoding="utf-8")
    assert responses > 10


def test_serve_refuses_an_output_folder_it_does_not_own(tmp_path: Path):
    project = tmp_path / "proj"
    shutil.copytree(MINI, project)
    before = snapshot(tmp_path)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                             "--port", str(free_port()), "--out", str(project / "content")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"--out {project / 'content'} is the project's content/ folder" in result.stderr
    assert snapshot(tmp_path) == before


def test_serve_stops_at_once_while_a_build_writes_the_folder(tmp_path: Path):
    project = tmp_path / "proj"
    shutil.copytree(MINI, project)
    with open(project / ".site.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                                 "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert result.returncode == 75, result.stderr
    assert "another build or preview is writing into this folder" in result.stderr
    assert not (project / "site").exists()


@pytest.mark.parametrize("listen, header, allowed", [
    ("127.0.0.1", "127.0.0.1:8000", True), ("127.0.0.1", "192.168.1.20:8000", False),
    ("127.0.0.1", "evil.example:8000", False), ("0.0.0.0", "192.168.1.20:8000", True),
    ("0.0.0.0", "[fe80::1]:8000", True), ("0.0.0.0", "evil.example:8000", False),
    ("::", "10.0.0.5", True), ("preview.local", "preview.local:8000", True), ("preview.local", "evil.local", False),
])
def test_host_allow_list_for_each_listen_address(listen: str, header: str, allowed: bool):
    """On every interface, the machine's own addresses are answered (not names: rebinding needs one)."""
    from explainer.serve_http import allowed_hosts, host_allowed

    assert host_allowed(header, allowed_hosts(listen)) == allowed


def test_a_file_replaced_while_it_is_served_is_sent_whole(tmp_path: Path):
    """A rebuild renames a new version over a page between the moment its length is taken and the
    moment its body is read: the response is still the first version, length and body."""
    import asyncio
    import threading as _threading

    from tornado import httpclient, web
    from tornado.ioloop import IOLoop

    from explainer.serve_http import PreviewFiles

    page, newer = tmp_path / "page.html", tmp_path / "newer.html"
    page.write_bytes(b"<html><body>" + b"old " * 1000 + b"</body></html>")
    newer.write_bytes(b"<html><body>new, and much longer " * 100 + b"</body></html>")

    class RebuiltMeanwhile(PreviewFiles):
        def get_content_size(self):
            size = super().get_content_size()
            if newer.exists():
                os.replace(newer, page)  # the rebuild lands right now
            return size

    result: dict = {}

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = IOLoop.current()
        app = web.Application([(r"/(.*)", RebuiltMeanwhile, {"path": str(tmp_path), "default_filename": "index.html",
                                                             "overlay": lambda: ""})])
        server = app.listen(0, address="127.0.0.1")
        port = next(iter(server._sockets.values())).getsockname()[1]

        async def fetch() -> None:
            try:
                response = await httpclient.AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/page.html")
                result["length"], result["body"] = int(response.headers["Content-Length"]), response.body
            except Exception as error:  # (a length from one version and a body from another break the stream)
                result["error"] = error
            finally:
                server.stop()
                loop.stop()

        loop.add_callback(fetch)
        loop.start()

    thread = _threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert "body" in result, f"the response broke: {result.get('error')!r}"
    assert result["body"].startswith(b"<html><body>old") and result["body"].endswith(b"</html>")
    assert result["length"] == len(result["body"])
