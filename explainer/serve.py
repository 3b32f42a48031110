"""The preview server: rebuild on every save (native file watcher), push the reload with livereload.

The watcher (watch.py: inotify on Linux) reports a save the moment it is complete, where
livereload's own watcher polls every 800 ms; an incremental Session re-renders only the affected
pages; livereload then tells the open pages to reload over its websocket (CSS-only edits are
swapped in without a reload).
While the content has errors, the last good site stays up and every HTML page is served with an
overlay listing the problems; the next good save clears it.
"""
from __future__ import annotations

import asyncio
import html
import logging
import threading
import time
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .errors import ContentError, Problem
from .load import reads
from .reuse.session import Session
from .output import claim_output
from .watch import settles_at_once, watch

WATCHED = ("content", "seeds", "templates", "static")


def describe_changes(paths: set[Path], root: Path) -> str:
    names = []
    for path in sorted(paths):
        try:
            names.append(Path(path).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            names.append(str(path))
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def makes_the_site(path: Path, root: Path) -> bool:
    """Whether a saved file is one the site is made from: anything in templates/ and static/ (the
    watcher already leaves out hidden files and editors' backups), and in content/ and seeds/ what
    the loader reads."""
    try:
        relative = Path(path).relative_to(root)
    except ValueError:
        return True  # (spelled otherwise: let the session judge it)
    return relative.parts[:1] in (("templates",), ("static",)) or reads(relative)


def describe_outputs(outputs: tuple[str, ...]) -> str:
    names = [name.removesuffix("index.html") or "/" for name in outputs]
    return ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")


def overlay_html(problems: list[Problem]) -> str:
    """The error overlay shown on every page while the content has problems."""
    rows = "".join(
        f'<li><code>{html.escape(str(p.where))}</code> <strong>{html.escape(p.severity)}</strong>: '
        f'{html.escape(p.message)}{" <em>(" + html.escape(p.hint) + ")</em>" if p.hint else ""}</li>'
        for p in problems)
    return (
        '<div id="explainer-errors" role="alert" style="position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;'
        'z-index:2147483647;background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;'
        'border-top:4px solid #ff5c5c">'
        f'<p style="margin:0 0 .5rem;font-weight:700">The last save has {len(problems)} problem(s); '
        'this is the last good build.</p>'
        f'<ul style="margin:0;padding-left:1.2rem">{rows}</ul></div>'
    )


class Viewers:
    """The HTML pages the preview served last: the pages open in the author's browsers.

    A rebuild renders these first (with the edited page), so the page in front of the author is
    fresh before the rest of the site is. Reloads re-request them, which keeps the list current.
    """

    def __init__(self, keep: int = 4):
        self.keep = keep
        self._recent: dict[str, float] = {}  # output file → when it was last served
        self._lock = threading.Lock()

    def saw(self, output: str) -> None:
        with self._lock:
            self._recent.pop(output, None)
            self._recent[output] = time.monotonic()
            while len(self._recent) > self.keep:
                del self._recent[next(iter(self._recent))]

    def pages(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._recent)

    def since(self, moment: float) -> set[str]:
        with self._lock:
            return {page for page, when in self._recent.items() if when >= moment}

    def served_before(self, url: str, moment: float) -> bool:
        """Whether the page at `url` (as a browser reports it) was last served before `moment`."""
        path = unquote(urlsplit(url).path).lstrip("/")
        output = path + "index.html" if path == "" or path.endswith("/") else path
        with self._lock:
            served = self._recent.get(output)
        return served is not None and served < moment


def late_reload(viewers: Viewers, url: str, last_push: dict[str, float]) -> str | None:
    """What a page that connects now has missed: a page reload ("*") if it was served before the
    last one went out, else a stylesheet swap ("style.css") if it was served before the last of
    those, else nothing."""
    for path in ("*", "style.css"):
        if viewers.served_before(url, last_push[path]):
            return path
    return None


def serve(session: Session, host: str, port: int, echo: Callable[[str], None]) -> None:
    """Build, serve the output folder on host:port, and rebuild whenever a source file changes.

    The output folder is claimed (checked, and locked) for as long as the preview runs."""
    options = session.options
    with claim_output(options.out, options.root, options.theme):
        _serve(session, host, port, echo)


def _serve(session: Session, host: str, port: int, echo: Callable[[str], None]) -> None:
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    from .serve_http import PreviewServer

    root, out = session.options.root, session.options.out
    asyncio.set_event_loop(asyncio.new_event_loop())
    loop = IOLoop.current()
    stop = threading.Event()
    errors: list[str] = [""]  # the overlay HTML, or "" when the site is clean

    def show(problems: list[Problem]) -> None:
        for problem in problems:
            echo("  " + problem.format())
        errors[0] = overlay_html(problems)

    try:
        report = session.build_all()
        echo(f"Built {report.total} pages in {report.milliseconds:.0f} ms.")
    except ContentError as error:
        echo(f"✗ {len(error.problems)} problem(s); fix them and save: the preview starts from the next good build.")
        show(error.problems)

    viewers = Viewers()
    last_push = {"*": 0.0, "style.css": 0.0}  # when a page reload, and a stylesheet swap, were last sent

    def push_reload(path: str = "*") -> None:
        last_push[path] = time.monotonic()
        loop.add_callback(LiveReloadHandler.reload_waiters, path)

    # A reload sent while a browser is between pages (reloading after the previous one) reaches
    # no one: livereload only tells the browsers connected at that moment. So when a page
    # connects, it is told to reload if it was served before the last reload went out, or to swap
    # its stylesheet if only a stylesheet changed since (the reader keeps their place).
    def on_info(handler: LiveReloadHandler, url: str) -> None:
        path = late_reload(viewers, url, last_push)
        if path is not None:
            handler.send_message({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})

    def on_change(saved: set[Path]) -> None:
        paths = {path for path in saved if makes_the_site(path, root)}
        if not paths:
            return
        what = describe_changes(paths, root)
        first_reload = [0.0]

        def reload_early(outputs: tuple[str, ...]) -> None:
            # the pages being looked at are on disk: reload now, the rest of the site follows
            first_reload[0] = time.monotonic()
            push_reload()

        try:
            report = session.rebuild(paths, viewing=viewers.pages(), on_first_write=reload_early)
        except ContentError as error:
            echo(f"✗ {what}: {len(error.problems)} problem(s); still serving the last good site")
            before = errors[0]
            show(error.problems)
            # an editor's save can arrive as two events (truncate, then write): reload only when the
            # overlay says something new, so a page being read is not reloaded twice for one mistake
            if errors[0] != before:
                push_reload()
            return
        errors[0] = ""
        kind = "full rebuild" if report.full else "re-rendered"
        early = (f"{describe_outputs(report.first_outputs)} on disk in {report.first_milliseconds:.0f} ms; "
                 if first_reload[0] else "")
        echo(f"✓ {what}: {early}{report.rendered} of {report.total} pages {kind} in {report.milliseconds:.0f} ms")
        if first_reload[0]:
            # reload again only if the author opened one of the later pages before it was rewritten
            if viewers.since(first_reload[0]) & (set(report.outputs) - set(report.first_outputs)):
                push_reload()
            return
        css_only = all(p.suffix == ".css" for p in paths)
        # livereload swaps stylesheets in place when the path it is sent is a .css file
        push_reload("style.css" if css_only else "*")

    watching: list[threading.Event] = []

    def start_watching(folders: list[Path], on_change: Callable[[set[Path]], None], quiet_ms: int) -> None:
        watching.append(threading.Event())
        threading.Thread(target=watch, args=(folders, on_change, stop, quiet_ms), kwargs={"ready": watching[-1]},
                         daemon=True).start()

    start_watching([root / name for name in WATCHED if (root / name).is_dir()], on_change, 10)
    if session.options.templates.is_dir() and not settles_at_once():
        # where saves are reported only after 10 ms of quiet, template saves are reported after
        # 1 ms, so they are compiled while the rebuild above still waits for the save to settle
        start_watching([session.options.templates], session.precompile, 1)
    for ready in watching:
        ready.wait(timeout=10)  # (a watcher that cannot start says so in its thread; serve anyway)
    server = PreviewServer(out, host, lambda: errors[0], viewers.saw, on_info)
    # livereload polls the whole working directory when nothing is registered; give it one path that
    # never exists so it stays idle (watch.py does the watching, and we push the reloads ourselves)
    server.watch(str(out.parent / ".livereload-idle-never-exists"))
    logging.getLogger("livereload").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    echo(f"Serving {out} on http://{host}:{port}/ (Ctrl-C to stop)")
    try:
        server.serve(host=host, port=port, root=str(out), restart_delay=0, open_url_delay=None)
    finally:
        stop.set()
