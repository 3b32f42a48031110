"""The one gate every file the build reads or copies goes through (content, seeds, templates, static).

A project may come from a contributor's pull request built on a deploy service, so a file in it
can be anything a git tree can hold: a symlink to `/proc/self/environ` or to `../.git/config`, a
FIFO that blocks a reader forever, a device, a 2 GB file. The gate lets through regular files
only, resolved through their symlinks and required to stay inside the folder they belong to
(`static/` stays in `static/`, seeds in `seeds/`), never anything under a `.git` folder, and
checks the size with `stat` before reading a byte. The file is opened without blocking and
checked again on its descriptor, so one swapped for a FIFO after the check cannot hang the build.
Folder listings (`list_files`) leave nothing out but folders, so the gate judges everything else.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 5_000_000  # content and seeds: far above any real explainer; stops a runaway file early
MAX_ASSET_BYTES = 50_000_000  # a static file (an image, a font)


@dataclass
class RefusedFile(Exception):
    """A file the gate will not read, and why, in words for the author."""

    reason: str
    hint: str = ""


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def under_git(path: str) -> bool:
    return ".git" in path.split(os.sep)


class Gate:
    """Reads files that belong to one folder (`home`) of a project (`project`), by the rules above;
    the folder itself may be a symlink, to a place inside the project.

    The real path of each folder a file sits in is worked out once per gate: a file that is not
    a symlink itself then costs one `lstat` (thousands of seeds in one folder).
    """

    def __init__(self, home: str | os.PathLike, project: str | os.PathLike | None = None,
                 max_bytes: int = MAX_FILE_BYTES) -> None:
        self.home = os.path.abspath(home)
        self.project = os.path.abspath(project) if project is not None else self.home
        self.max_bytes = max_bytes
        self._real_home: str | None = None
        self._real_dirs: dict[str, str] = {}

    def real_home(self) -> str:
        if self._real_home is None:
            real = os.path.realpath(self.home)
            if not _inside(real, self.project) and not _inside(real, os.path.realpath(self.project)) \
                    or under_git(real):
                raise RefusedFile(f"{os.path.basename(self.home)}/ is a symlink to a folder outside the project",
                                  "keep the folder itself in the project")
            self._real_home = real
        return self._real_home

    def resolve(self, path: str | os.PathLike) -> str:
        """The real path of a file of this folder; RefusedFile when it leaves the folder or is under .git."""
        path = os.path.abspath(path)
        if under_git(path):
            raise RefusedFile("files under .git are never read", "keep content out of the .git folder")
        folder, name = os.path.split(path)
        try:
            real_folder = self._real_dirs.get(folder)
            if real_folder is None:
                real_folder = self._real_dirs[folder] = os.path.realpath(folder, strict=True)
            real = os.path.join(real_folder, name)
            if stat.S_ISLNK(os.lstat(real).st_mode):
                real = os.path.realpath(real, strict=True)
        except OSError as exc:
            raise RefusedFile(f"cannot read file: {exc.strerror or exc}") from None
        home = self.real_home()
        if not _inside(real, home):
            where = os.path.basename(self.home)
            raise RefusedFile(f"symlink points outside {where}/",
                              f"copy the file into {where}/ instead of linking to it")
        if under_git(real):
            raise RefusedFile("symlink points into a .git folder", "copy the file instead of linking to it")
        return real

    def read(self, path: str | os.PathLike) -> bytes:
        """The bytes of a regular file of this folder, at most `max_bytes` of them."""
        real = self.resolve(path)
        try:
            info = os.stat(real)
            self._check(info)
            descriptor = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise RefusedFile(f"cannot read file: {exc.strerror or exc}") from None
        try:
            self._check(os.fstat(descriptor))  # the same file as the one checked, or refused now
            with os.fdopen(descriptor, "rb", closefd=False) as stream:
                data = stream.read(self.max_bytes + 1)
        except OSError as exc:
            raise RefusedFile(f"cannot read file: {exc.strerror or exc}") from None
        finally:
            os.close(descriptor)
        if len(data) > self.max_bytes:  # it grew between the stat and the read
            raise RefusedFile(f"file is more than the {self.max_bytes:,} bytes allowed", "split it into several files")
        return data

    def _check(self, info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"not a regular file ({_kind(info.st_mode)})", "only ordinary files are read")
        if info.st_size > self.max_bytes:
            raise RefusedFile(f"file is {info.st_size:,} bytes, more than the {self.max_bytes:,} allowed",
                              "split it into several files")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def list_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Entries of a folder with the given suffixes, sorted so the build is deterministic: every
    one but folders, so that the file gate reports a FIFO, a socket or a broken link."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:  # scandir knows file types without a stat per file
        names = sorted(e.name for e in entries
                       if e.name.endswith(suffixes) and not e.name.startswith(".") and not _is_folder(e))
    return [folder / name for name in names]


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop: not a folder, and the gate says what it is
        return False
