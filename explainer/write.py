"""Stage 6, write: put the finished files into the output folder all at once, or not at all.

Files go into a temporary sibling folder that is swapped in by renaming, so readers and the
preview server never see a half-written site, and a failed or killed build leaves the previous
one in place. Leftovers of an interrupted build are removed on the next run. A full build's render
workers write their pages straight into that folder, while the build can still fail. Every
staging folder starts with the marker file that proves the build owns the folder (output.py);
`out` is the real folder here (a symlink to it stays a symlink, and sees the new site).

A single file that others read while it changes (a content file that `new` or `suggest --write`
appends to, a page the preview replaces) is replaced whole by `atomic_write`.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

from .output import MARKER, MARKER_TEXT


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace the file at `path` with `data` in one step: a reader sees the old bytes or the new.

    The bytes go to a temporary file in the same folder (a rename between file systems would be
    a copy), which is then renamed over `path`; if anything fails, the temporary file is removed
    and `path` is as it was. An existing file keeps its permissions; a new one gets the usual
    ones (the umask applies). `durable` puts the bytes on disk before the rename, so that a crash
    cannot leave an empty file under the name: for files an author keeps, not for output that
    the next build writes again. An OSError names `path`, not the temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name[:100]}.{secrets.token_hex(6)}.tmp")
    try:
        stream = open(temporary, "xb")  # a new file, never another's; the umask sets its permissions
    except OSError as error:
        raise _naming(error, path) from error
    try:
        with stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException as failure:
        temporary.unlink(missing_ok=True)
        if isinstance(failure, OSError):
            raise _naming(failure, path) from failure
        raise


def _naming(error: OSError, path: Path) -> OSError:
    """The same error about `path` (a failed write names no file, a failed open the temporary one)."""
    return OSError(error.errno, error.strerror, str(path)) if error.errno is not None else error


class UnsafeOutputPath(ValueError):
    """A page tried to write outside the output folder."""


def safe_relative(name: str) -> PurePosixPath:
    """Check that a relative output path stays inside the output folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("..", "", ".") for part in path.parts) or "\\" in name:
        raise UnsafeOutputPath(f"refusing to write '{name}' outside the output folder")
    return path


def remove_leftovers(out: Path) -> None:
    """Delete temporary folders that an interrupted build left beside the output folder."""
    if not out.parent.is_dir():
        return
    for leftover in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)


class FolderWriter:
    """Writes files into one folder, refusing any name that would leave it. Each process that
    holds a copy (forked render workers do) keeps its own record of the folders it has made."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, str] = {}  # a name's folder part → that folder on disk, made

    def write(self, name: str, data: bytes) -> None:
        # A full build writes tens of thousands of files: plain strings and os calls, not a Path
        # per file; a name that is not plainly "a/b/c" goes through safe_relative's checks.
        folder, _, base = name.rpartition("/")
        plain = base not in _SPECIAL_PARTS and "\\" not in base and not name.startswith("/")
        where = self._made.get(folder) if plain else None  # (its keys are all checked folders)
        if where is None:
            parts = safe_relative(name).parts
            folder, base = "/".join(parts[:-1]), parts[-1]
            where = self._made.get(folder)
            if where is None:
                where = os.path.join(self.folder, *parts[:-1])
                os.makedirs(where, exist_ok=True)
                self._made[folder] = where
        _write_file(os.path.join(where, base), data)

    def write_all(self, files: dict[str, bytes]) -> None:
        for name in sorted(files):
            self.write(name, files[name])


_SPECIAL_PARTS = ("", ".", "..")
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write_file(path: str, data: bytes) -> None:
    """`Path(path).write_bytes(data)` without the file object around the descriptor."""
    descriptor = os.open(path, _NEW_FILE, 0o666)
    try:
        written = os.write(descriptor, data)
        while written < len(data):  # (a regular file takes it all at once, but a write may stop short)
            written += os.write(descriptor, memoryview(data)[written:])
    finally:
        os.close(descriptor)


@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A fresh temporary folder beside `out` to write the next site into; removed if anything fails
    before `swap_in` has put it in place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        (staging / MARKER).write_bytes(MARKER_TEXT)
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_site(out: Path, files: dict[str, bytes]) -> None:
    """Write every file into a fresh folder, then swap it in for `out` (a symlink: for its target)."""
    out = Path(os.path.realpath(out))
    with staging_folder(out) as staging:
        FolderWriter(staging).write_all(files)
        swap_in(staging, out)


def swap_in(staging: Path, out: Path) -> None:
    os.chmod(staging, 0o755)  # mkdtemp made it private
    if out.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        retired.rmdir()
        out.rename(retired)
        staging.rename(out)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(out)
