"""The output folder belongs to the build: which folders it may replace, and one build at a time.

A build replaces its output folder as a whole (write.py), so a wrong `--out` would delete
whatever it names. Before anything is written the folder is checked:

- it must not be, contain, or lie inside a folder of the project's sources (the project root
  may contain it: `site/` is the default) or any `.git` folder;
- if it exists and holds anything, it must hold the marker file that every build writes into
  the folders it makes: a folder without it holds files the build did not write;
- a symlinked `--out` stands for the folder it points to, which is updated in place (the link
  stays a link, and a web server that serves the target sees the new site);
- an exclusive lock on a file beside it (`.site.lock`, there while a build runs) keeps a second
  build (or preview) from writing into it at the same time: that one stops at once, before
  touching anything.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MARKER = ".explainer-site"  # written by every build into the output folder: proof of ownership
MARKER_TEXT = b"This folder is written by explainer's build, and replaced as a whole by the next build.\n"
SOURCE_FOLDERS = ("content", "seeds", "templates", "static", ".git")


class OutputRefused(Exception):
    """An output folder the build will not write into (a usage error: exit 2)."""

    exit_code = 2

    def __init__(self, out: Path, message: str, hint: str = "") -> None:
        super().__init__(f"{out}: {message}")
        self.out, self.message, self.hint = out, message, hint


class OutputBusy(OutputRefused):
    """Another build or preview is writing into the folder right now (exit 75: try again later)."""

    exit_code = 75


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def protected_folders(root: Path, theme: Path | None) -> list[Path]:
    """The project root and its source folders (and the theme's), by their real paths."""
    folders = [root] + [root / name for name in SOURCE_FOLDERS]
    if theme is not None:
        folders += [theme / "templates", theme / "static"]
    return [Path(os.path.realpath(folder)) for folder in folders]


def check_output(out: Path, root: Path, theme: Path | None = None) -> Path:
    """The real folder a build into `out` writes; OutputRefused if the build may not replace it."""
    real = check_place(out, root, theme)
    if real.is_dir() and not (real / MARKER).is_file():
        try:
            with os.scandir(real) as entries:
                holds_files = next(entries, None) is not None
        except OSError as exc:
            raise OutputRefused(out, f"cannot be read: {exc.strerror or exc}") from None
        if holds_files:
            raise OutputRefused(out, f"holds files the build did not write (it has no {MARKER} marker file)",
                                "choose an empty or new folder; if this is an older build of the site, "
                                "delete it once and build again")
    elif real.exists() and not real.is_dir():
        raise OutputRefused(out, "is not a folder", "choose a folder")
    return real


def check_place(out: Path, root: Path, theme: Path | None = None) -> Path:
    """The real path of `out`, if it is not, does not contain and is not inside a source folder."""
    real = Path(os.path.realpath(os.path.abspath(out)))
    if ".git" in real.parts:
        raise OutputRefused(out, "is inside a .git folder", "choose an output folder such as site/")
    real_root = Path(os.path.realpath(root))
    for folder in protected_folders(root, theme):
        what = "the project folder" if folder == real_root else f"the project's {folder.name}/ folder"
        if _within(folder, real):
            contains = "is" if folder == real else "contains"
            raise OutputRefused(out, f"{contains} {what} ({folder}); the build replaces its output folder "
                                     "as a whole", "choose an output folder of its own, such as site/")
        if folder != real_root and _within(real, folder):
            raise OutputRefused(out, f"is inside {what} ({folder})", "choose an output folder such as site/")
    return real


@contextmanager
def claim_output(out: Path, root: Path, theme: Path | None = None) -> Iterator[Path]:
    """Check `out` and hold its lock while the body writes into the real folder it yields."""
    real = check_place(out, root, theme)
    real.parent.mkdir(parents=True, exist_ok=True)
    lock_path = real.parent / f".{real.name}.lock"
    with _locked(lock_path, out):
        yield check_output(out, root, theme)  # under the lock: no other build is swapping it


@contextmanager
def _locked(path: Path, out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file at `path`, which is removed when the lock is let go.

    The holder removes the file before it unlocks; one who opened the file just before that
    holds a lock on a file without a name, so after locking it checks that the file it locked
    is still the one at `path`, and tries again if not."""
    while True:
        lock = open(path, "a+b")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise OutputBusy(out, "another build or preview is writing into this folder right now",
                             "wait for it to finish (or stop the preview), then build again") from None
        try:
            if os.stat(path).st_ino == os.fstat(lock.fileno()).st_ino:
                break
        except FileNotFoundError:
            pass
        lock.close()
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        lock.close()
