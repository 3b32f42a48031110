"""The preview server: rebuild on every save (native file watcher), push the reload with livereload.

watchfiles (inotify) notices a save within milliseconds, where livereload's own watcher polls
every 800 ms; livereload then tells the open pages to reload over its websocket.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path
from typing import Callable

from .errors import ContentError

WATCHED = ("content", "seeds", "templates", "static")
log = logging.getLogger("explainer.serve")


def describe_changes(changes: set[tuple[object, str]], root: Path) -> str:
    names = sorted({Path(path).resolve().relative_to(root.resolve()).as_posix()
                    if Path(path).resolve().is_relative_to(root.resolve()) else path for _, path in changes})
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def watch_and_rebuild(root: Path, rebuild: Callable[[set], None], stop: threading.Event) -> None:
    """Call `rebuild(changes)` after every batch of saves under the watched folders."""
    import watchfiles

    folders = [str(root / name) for name in WATCHED if (root / name).is_dir()]
    for changes in watchfiles.watch(*folders, stop_event=stop, debounce=50, step=20,
                                    watch_filter=watchfiles.DefaultFilter()):
        rebuild(changes)


def serve(root: Path, out: Path, build_once: Callable[[], str], host: str, port: int,
          echo: Callable[[str], None]) -> None:
    """Serve `out` on host:port and rebuild it whenever content, seeds, templates or assets change."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    asyncio.set_event_loop(asyncio.new_event_loop())
    loop = IOLoop.current()
    stop = threading.Event()

    def rebuild(changes: set) -> None:
        started = time.perf_counter()
        what = describe_changes(changes, root)
        try:
            summary = build_once()
        except ContentError as error:
            echo(f"✗ {what}: {len(error.problems)} problem(s); still serving the last good site")
            for problem in error.problems:
                echo("  " + problem.format())
            return
        elapsed = (time.perf_counter() - started) * 1000
        echo(f"✓ {what}: {summary} in {elapsed:.0f} ms")
        css_only = all(str(path).endswith(".css") for _, path in changes)
        loop.add_callback(LiveReloadHandler.reload_waiters, "style.css" if css_only else "*")

    watcher = threading.Thread(target=watch_and_rebuild, args=(root, rebuild, stop), daemon=True)
    watcher.start()
    server = Server()
    logging.getLogger("livereload").setLevel(logging.WARNING)
    echo(f"Serving {out} on http://{host}:{port}/ (Ctrl-C to stop)")
    try:
        server.serve(host=host, port=port, root=str(out), restart_delay=0, open_url_delay=None)
    finally:
        stop.set()
