"""Watching the source folders for saves: what starts a preview rebuild.

A save is finished when the program writing the file closes it, or renames a finished copy
into place: the two ways editors save. On Linux the preview reads inotify's events itself and
reports a file on exactly those events (IN_CLOSE_WRITE, IN_MOVED_TO), with deletions, so a
rebuild starts the moment a save is complete. It never reads a half-written file, and waits for
no quiet period. A file written but not yet closed is held back until it is closed, or for
`quiet_ms` at most (a program that keeps a file open while it writes).

Elsewhere (macOS, Windows), and if inotify cannot be set up, watchfiles reports a batch once the
folders have been quiet for `quiet_ms`: it cannot tell a finished save from a partial one.

Editors' temporary and backup files (`.swp`, `~`, `.#name`, …) and folders such as `.git` are
left out, as watchfiles' default filter leaves them out.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Callable

import watchfiles

TICK_MS = 100  # how often a waiting watcher looks at its stop event

OnChange = Callable[[set[Path]], None]


def settles_at_once() -> bool:
    """Whether saves are reported the moment they are complete (no quiet period to wait out)."""
    return _inotify() is not None


def watch(folders: list[Path], on_change: OnChange, stop: threading.Event, quiet_ms: int = 10,
          ready: threading.Event | None = None) -> None:
    """Call `on_change(paths)` with every batch of finished saves under `folders`, until `stop`
    is set. `ready` is set once the folders are watched: a save from then on is seen."""
    inotify = _inotify()
    if inotify is not None:
        try:
            watcher = _InotifyWatcher(inotify, folders)
        except OSError as error:  # e.g. the system's limit on watches reached
            print(f"(inotify unavailable: {error}; watching with a quiet period instead)", file=sys.stderr)
        else:
            with watcher:
                watcher.run(on_change, stop, quiet_ms, ready)
            return
    _watch_quietly(folders, on_change, stop, quiet_ms, ready)


def _watch_quietly(folders: list[Path], on_change: OnChange, stop: threading.Event, quiet_ms: int,
                   ready: threading.Event | None) -> None:
    for changes in watchfiles.watch(*map(str, folders), stop_event=stop, debounce=30, step=quiet_ms,
                                    rust_timeout=TICK_MS, yield_on_timeout=True,
                                    watch_filter=watchfiles.DefaultFilter()):
        if ready is not None:
            ready.set()  # the first batch, empty or not, comes once the watches are in place
        if changes:
            on_change({Path(path) for _, path in changes})


def _inotify():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import inotify_simple
    except ImportError:
        return None
    return inotify_simple


class _InotifyWatcher:
    """inotify watches on every folder under the watched ones, new folders included."""

    def __init__(self, inotify, folders: list[Path]) -> None:
        flags = inotify.flags
        self.flags = flags
        self.done = flags.CLOSE_WRITE | flags.MOVED_TO  # a save is complete
        self.gone = flags.DELETE | flags.MOVED_FROM
        self.started = flags.CREATE | flags.MODIFY  # a save has begun
        self.mask = self.done | self.gone | self.started
        self.filter = watchfiles.DefaultFilter()
        self.roots = folders
        self.fd = inotify.INotify()
        self.folders: dict[int, Path] = {}
        try:
            for folder in folders:
                self._add_tree(folder)
        except OSError:
            self.fd.close()
            raise

    def __enter__(self) -> _InotifyWatcher:
        return self

    def __exit__(self, *exc) -> None:
        self.fd.close()

    def run(self, on_change: OnChange, stop: threading.Event, quiet_ms: int, ready: threading.Event | None) -> None:
        if ready is not None:
            ready.set()
        batch = _Batch()
        while not stop.is_set():
            events = self.fd.read(timeout=quiet_ms if batch.unsettled else TICK_MS)
            if events:
                while events:  # and whatever else is queued already, in the same batch
                    for event in events:
                        self._take(event, batch)
                    events = self.fd.read(timeout=0)
                if batch.unsettled:
                    continue  # a file being written, or gone (and perhaps about to come back)
            batch.settle()  # (after `quiet_ms` without an event, even if a writer kept its file open)
            if batch.done:
                paths, batch = batch.done, _Batch()
                on_change(paths)

    def _take(self, event, batch: _Batch) -> None:
        flags = self.flags
        if event.mask & flags.Q_OVERFLOW:  # events were lost: say every file may have changed
            for root in self.roots:
                batch.done.update(path for path in self._files(root))
            return
        if event.mask & flags.IGNORED:
            self.folders.pop(event.wd, None)
            return
        folder = self.folders.get(event.wd)
        if folder is None or not event.name:
            return
        path = folder / event.name
        if event.mask & flags.ISDIR:
            if event.name in self.filter.ignore_dirs:
                return
            if event.mask & (flags.CREATE | flags.MOVED_TO):
                batch.done.update(p for p in self._add_tree(path) if self._wanted(p))
            elif event.mask & self.gone:
                batch.done.add(path)  # (its watches go by themselves)
            return
        if not self._wanted(path):
            return
        if event.mask & self.done:
            batch.finish(path)
        elif event.mask & self.gone:
            batch.lose(path)
        elif event.mask & flags.CREATE:
            batch.create(path)
        else:
            batch.begin(path)

    def _wanted(self, path: Path) -> bool:
        # hidden files are editors' temporary copies and locks; no stage reads them
        return not path.name.startswith(".") and self.filter(watchfiles.Change.modified, str(path))

    def _add_tree(self, folder: Path) -> list[Path]:
        """Watch `folder` and every folder in it; the files already there (a folder made or moved
        in may hold files written before its watch was added)."""
        found = []
        for here, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if d not in self.filter.ignore_dirs]
            try:
                self.folders[self.fd.add_watch(here, self.mask)] = Path(here)
            except FileNotFoundError:  # gone again already
                continue
            found += [Path(here) / name for name in files]
        return found

    def _files(self, root: Path) -> list[Path]:
        return [Path(here) / name for here, _, files in os.walk(root) for name in files
                if self._wanted(Path(here) / name)]


class _Batch:
    """The saves seen since the last report: the finished ones, and the files still being
    written or gone (a file an editor renames away and writes again is back in a moment)."""

    def __init__(self) -> None:
        self.done: set[Path] = set()
        self.writing: set[Path] = set()
        self.created: set[Path] = set()  # made in this batch (gone again: never there)

    @property
    def unsettled(self) -> bool:
        return bool(self.writing)

    def begin(self, path: Path) -> None:
        self.writing.add(path)

    def create(self, path: Path) -> None:
        self.created.add(path)
        self.writing.add(path)

    def finish(self, path: Path) -> None:
        self.writing.discard(path)
        self.done.add(path)

    def lose(self, path: Path) -> None:
        if path in self.created:  # an editor's check that it may write here (vim's "4913")
            self.created.discard(path)
            self.writing.discard(path)
            self.done.discard(path)
            return
        self.done.discard(path)
        self.writing.add(path)

    def settle(self) -> None:
        self.done |= self.writing
        self.writing = set()
