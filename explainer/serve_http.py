"""The preview server's HTTP side: the output folder, the livereload websocket and script, guarded.

The preview listens on the author's machine, yet any web page the author opens can send it
requests. So:
- only `Host` values of the address it listens on are answered (127.0.0.1, localhost, [::1] and
  the --host given): a DNS-rebinding page, whose requests carry its own host name, gets 403 and
  cannot read the preview, drafts included;
- the websocket accepts only an `Origin` of that same host and port (tornado's own check, which
  livereload turns off);
- no GET changes anything: livereload's /forcereload is not served;
- a path with a NUL byte is a bad request (400), not an internal error;
- a file is read once per request and its length and body come from that one read, so a
  request during a rebuild gets one version of the file whole (the rebuild replaces files by
  renaming, so either version is complete);
- a missing page is answered with the site's own 404 page, with status 404.
"""
from __future__ import annotations

import hashlib
import ipaddress
import json
import os
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector, Server
from tornado import escape, web

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# livereload's own snippet (livereload.server): loads livereload.js from the page's own host
LIVE_SCRIPT = escape.utf8(
    '<script type="text/javascript">(function(){var s=document.createElement("script");'
    'var port=(window.location.port || (window.location.protocol == \'https:\' ? 443: 80));'
    's.src="//"+window.location.hostname+":"+port+ "/livereload.js?port=" + port;'
    'document.head.appendChild(s);})();</script>')


def host_name(header: str) -> str:
    """The host name of a Host header (`127.0.0.1:8000`, `[::1]:8000`), lower-cased; '' if malformed."""
    try:
        return (urlsplit("//" + header).hostname or "").lower()
    except ValueError:
        return ""


def allowed_hosts(listen_host: str) -> frozenset[str]:
    return frozenset((*LOOPBACK_HOSTS, listen_host.strip("[]").lower()))


def host_allowed(header: str, allowed: frozenset[str]) -> bool:
    """Whether a Host header names the address the preview listens on. Listening on every
    interface (--host 0.0.0.0 or ::), any IP address is such a name too (a phone on the network
    asks for the machine's address): DNS rebinding needs a host name, never an address."""
    name = host_name(header)
    if name in allowed:
        return True
    if not allowed & {"0.0.0.0", "::"}:
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


class HostGuard(web.RequestHandler):
    """Answers only requests whose Host names the address the preview listens on."""

    allowed: frozenset[str] = frozenset(LOOPBACK_HOSTS)

    def prepare(self):
        if not host_allowed(self.request.host, self.allowed):
            raise web.HTTPError(403, reason="Unknown Host")


class GuardedLiveReload(HostGuard, LiveReloadHandler):
    """livereload's websocket with the Host and Origin checks; `on_info` sees each page that connects."""

    def initialize(self, on_info: Callable[[LiveReloadHandler, str], None]) -> None:
        self.on_info = on_info

    def check_origin(self, origin: str) -> bool:
        return super(LiveReloadHandler, self).check_origin(origin)  # tornado's: same host and port

    def on_message(self, message):
        super().on_message(message)
        try:
            data = json.loads(message)
        except ValueError:
            return
        if isinstance(data, dict) and data.get("command") == "info":
            self.on_info(self, str(data.get("url", "")))


class GuardedScript(HostGuard, LiveReloadJSHandler):
    pass


class PreviewFiles(HostGuard, web.StaticFileHandler):
    """The output folder, with the error overlay on HTML pages while the content has problems."""

    def initialize(self, path: str, default_filename: str, overlay: Callable[[], str],
                   saw: Callable[[str], None] | None = None) -> None:
        super().initialize(path, default_filename)
        self.overlay, self.saw = overlay, saw
        self._body: bytes | None = None

    async def get(self, path: str, include_body: bool = True) -> None:
        if "\x00" in path:
            raise web.HTTPError(400, reason="NUL in path")
        await super().get(path, include_body)

    def body(self) -> bytes:
        """The file as read once for this request, with the overlay if there is one."""
        if self._body is None:
            with open(self.absolute_path, "rb") as handle:
                data = handle.read()
            extra = self.overlay() if self.absolute_path.endswith(".html") else ""
            if extra:
                at = data.rfind(b"</body>")
                data = data[:at] + extra.encode() + data[at:] if at >= 0 else data + extra.encode()
            self._body = data
        return self._body

    def get_content_size(self) -> int:
        return len(self.body())

    def get_content(self, abspath, start=None, end=None):  # noqa: D102 (tornado calls it on the instance)
        yield self.body()[start:end]

    def compute_etag(self):
        return f'"{hashlib.sha256(self.body()).hexdigest()[:32]}"' if self.absolute_path else None

    def should_return_304(self):
        # the same file is served with and without the overlay: a browser revalidating its
        # copy of a page must get the current one, not "not modified"
        return False if self.absolute_path.endswith(".html") else super().should_return_304()

    def set_extra_headers(self, path):
        if path.endswith(".html") or path.endswith("/") or not path:
            self.set_header("Cache-Control", "no-store")

    def validate_absolute_path(self, root, absolute_path):
        checked = super().validate_absolute_path(root, absolute_path)
        if self.saw is not None and checked and checked.endswith(".html"):
            try:
                self.saw(Path(checked).relative_to(Path(root).resolve()).as_posix())
            except ValueError:
                pass
        return checked

    def write_error(self, status_code: int, **kwargs) -> None:
        page = os.path.join(self.root, "404.html")
        if status_code == 404 and os.path.isfile(page):
            with open(page, "rb") as handle:
                data = handle.read()
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(data)
            return
        super().write_error(status_code, **kwargs)


class PreviewServer(Server):
    """livereload's Server with the guarded handlers above instead of its own."""

    def __init__(self, out: Path, listen_host: str, overlay: Callable[[], str],
                 saw: Callable[[str], None] | None, on_info: Callable[[LiveReloadHandler, str], None]) -> None:
        super().__init__()
        self.out, self.overlay, self.saw, self.on_info = out, overlay, saw, on_info
        self.allowed = allowed_hosts(listen_host)

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css

        class Inject(LiveScriptInjector):
            script = LIVE_SCRIPT

        guard = {"allowed": self.allowed}
        handlers = [
            (r"/livereload", type("Socket", (GuardedLiveReload,), guard), {"on_info": self.on_info}),
            (r"/livereload\.js", type("Script", (GuardedScript,), guard)),
            (r"/(.*)", type("Files", (PreviewFiles,), guard),
             {"path": str(self.out), "default_filename": "index.html", "overlay": self.overlay, "saw": self.saw}),
        ]
        web.Application(handlers=handlers, debug=False, transforms=[Inject]).listen(port, address=host)
