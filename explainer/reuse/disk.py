"""The reuse layer on disk, for CI: one build's session state and a mirror of its output, kept in
a cache folder for the next build (`build --cache DIR`).

The folder holds `state.bin` (a header, then the session's state pickled) and `site/` (hard links
to, or copies of, the files of the last output). The header names the version of the code,
templates and static files the state was made with, the build options, and a hash of the
payload: a cache of another version, other options, or a corrupt or truncated one is ignored,
with a warning, and the build starts clean. Source files are matched by content hash (a fresh
checkout gives every file a new modification time). Nothing is written outside the folder, and
the folder may not be inside the sources or the output, nor hold them.

A pickle runs code when it is read: the cache folder must be as trusted as the repository
(Netlify's build cache is: only this site's builds write it).
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..engine import BuildOptions
from .files import FileCache
from ..output import MARKER, OutputRefused, check_place
from ..write import safe_relative

STATE = "state.bin"
MIRROR = "site"
MAGIC = b"explainer build cache\n"
FORMAT = 1
CODE = Path(__file__).resolve().parents[1]  # the explainer package


class CacheRefused(Exception):
    """A cache folder the build may not use (a usage error: exit 2)."""

    def __init__(self, folder: Path, message: str) -> None:
        super().__init__(message)
        self.folder, self.message = folder, message


def check_cache_place(folder: Path, options: BuildOptions) -> Path:
    """The real path of the cache folder, if it is apart from the sources and from the output."""
    try:
        real = check_place(folder, options.root, options.theme)
    except OutputRefused as refused:
        raise CacheRefused(folder, refused.message.replace("the build replaces its output folder as a whole",
                                                           "the cache must be a folder of its own")) from None
    out = Path(os.path.realpath(os.path.abspath(options.out)))
    if real == out or out in real.parents or real in out.parents:
        raise CacheRefused(folder, f"overlaps the output folder {out}; keep the cache apart from it")
    if real.exists() and not real.is_dir():
        raise CacheRefused(folder, "is not a folder")
    return real


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def code_version(options: BuildOptions) -> str:
    """A hash of what makes the output besides the content: the code, the templates and static
    files, and the Python that pickles the state."""
    digest = hashlib.blake2b(f"{FORMAT} {sys.version} {pickle.HIGHEST_PROTOCOL}".encode(), digest_size=20)
    for folder in (CODE, options.templates, options.static):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + _digest(path.read_bytes()))
    return digest.hexdigest()


def options_key(options: BuildOptions) -> str:
    """The options that change the output (or what the state refers to: the project's folders)."""
    return json.dumps([str(Path(os.path.realpath(options.root))), str(options.theme), options.drafts,
                       options.base_url, options.search, options.fingerprint, options.minify, options.noindex])


Stamp = tuple[int, int, bytes]  # a file's modification time, size and content hash


@dataclass
class Stored:
    """What one cached build leaves for the next."""

    state: dict  # Session.state()
    hashes: dict[Path, bytes]  # the content hash of each source file the state was parsed from
    mirror: dict[str, Stamp]  # each file of the mirror as made


def read(folder: Path, options: BuildOptions, warn) -> Stored | None:
    """The cache of the last build, or None (with a one-line warning when there was one to ignore)."""
    path = folder / STATE
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as file:
            if file.readline() != MAGIC:
                raise ValueError("not an explainer cache")
            header = json.loads(file.readline())
            if header.get("format") != FORMAT or header.get("version") != code_version(options):
                warn(f"ignoring the build cache in {folder}: written by another version of the code or templates")
                return None
            if header.get("options") != options_key(options):
                warn(f"ignoring the build cache in {folder}: written by a build with other options")
                return None
            payload = file.read()
        if len(payload) != header["length"] or _digest(payload).hex() != header["digest"]:
            raise ValueError("its contents do not match its header (truncated or corrupt)")
        collecting = gc.isenabled()
        gc.disable()  # millions of objects, none of them garbage
        try:
            stored = pickle.loads(payload)
        finally:
            if collecting:
                gc.enable()
        if not isinstance(stored, Stored):
            raise ValueError("it holds something else")
    except (OSError, ValueError, KeyError, TypeError, EOFError, pickle.UnpicklingError, AttributeError,
            ImportError, IndexError) as error:
        warn(f"ignoring the build cache in {folder}: cannot be read ({error})")
        return None
    if not _mirror_intact(folder / MIRROR, stored.mirror):
        warn(f"ignoring the build cache in {folder}: its copy of the last output was changed")
        return None
    return stored


def _checked(name: str) -> str:
    """An output file's name, if it stays inside its folder (write.safe_relative's rule, for
    strings: the mirror handles every file of the site on each build)."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in parts):
        safe_relative(name)  # raises, with its message
    return name


def _mirror_intact(mirror: Path, stamps: dict[str, Stamp]) -> bool:
    """Whether every file of the mirror is as it was made. A file whose time or size differs
    (a cache restored by copying; a file edited in the output, which shares it) is compared by
    its content hash; the stamps are brought up to date for the files that pass."""
    base = f"{mirror}/"
    try:
        for name, (mtime, size, digest) in stamps.items():
            stat = os.stat(base + _checked(name))
            if (stat.st_mtime_ns, stat.st_size) != (mtime, size):
                with open(base + name, "rb") as file:
                    if _digest(file.read()) != digest:
                        return False
                stamps[name] = (stat.st_mtime_ns, stat.st_size, digest)
    except OSError:
        return False
    return True


def source_hashes(files: FileCache, known: dict[Path, bytes]) -> dict[Path, bytes]:
    """The content hash of every parsed file that is still as it was parsed (`known`: the hashes
    of the files found unchanged at the start of this build)."""
    hashes = {}
    for path, stamp in files.stamps().items():
        if path in known:
            hashes[path] = known[path]
            continue
        try:
            data = path.read_bytes()
            stat = path.stat()
        except OSError:
            continue
        if (stat.st_mtime_ns, stat.st_size) == stamp:
            hashes[path] = _digest(data)
    return hashes


def changed_sources(files: FileCache, hashes: dict[Path, bytes], root: Path) -> tuple[set[Path], dict[Path, bytes]]:
    """The source files that differ from the ones the state was made from (added, edited or
    removed), and the hashes of the others, which are vouched for in `files` (so they are not
    parsed again)."""
    changed, same = set(), {}
    for path in files.stamps():
        try:
            data = path.read_bytes()
            stat = path.stat()
        except OSError:
            changed.add(path)
            continue
        digest = _digest(data)
        if hashes.get(path) == digest:
            files.vouch(path, (stat.st_mtime_ns, stat.st_size))
            same[path] = digest
        else:
            changed.add(path)
    known = set(hashes)
    for folder in (root / "content", root / "seeds"):
        for base, _, names in os.walk(folder):
            changed |= {path for name in names if (path := Path(base) / name) not in known}
    return changed, same


def _link_all(source: Path, target: Path, names) -> None:
    """Hard-link each named file of `source` into `target` (copy it, across file systems)."""
    source_base, target_base = f"{source}/", f"{target}/"
    made: set[str] = set()
    for name in sorted(names):
        folder = _checked(name).rpartition("/")[0]
        if folder and folder not in made:
            os.makedirs(target_base + folder, exist_ok=True)
            made.add(folder)
        try:
            os.link(source_base + name, target_base + name)
        except OSError:
            shutil.copyfile(source_base + name, target_base + name)


def fill(staging: Path, folder: Path, names) -> None:
    """Put the mirrored files of the last output into a fresh staging folder."""
    _link_all(folder / MIRROR, staging, names)


def mirror(out: Path, names, folder: Path) -> dict[str, Stamp]:
    """Make the cache's copy of a new output: a hard link to each of its files, in a fresh folder
    that then replaces the last one. Returns each file's stamp."""
    fresh = folder / f".{MIRROR}.new"
    _remove_ours(fresh)
    fresh.mkdir(parents=True)
    (fresh / MARKER).touch()
    _link_all(out, fresh, names)
    _remove_ours(folder / MIRROR)
    fresh.rename(folder / MIRROR)
    return _stamps(folder / MIRROR, names)


def update_mirror(out: Path, written, removed, folder: Path, stamps: dict[str, Stamp]) -> dict[str, Stamp]:
    """Bring the cache's copy of the output up to date with the files one build wrote over its
    links and the files it removed; returns the new stamps."""
    stamps = dict(stamps)
    base = f"{folder / MIRROR}/"
    for name in removed:
        try:
            os.unlink(base + _checked(name))
        except FileNotFoundError:
            pass
        stamps.pop(name, None)
    fresh = folder / f".{MIRROR}.file"
    for name in written:
        fresh.unlink(missing_ok=True)
        try:
            os.link(out / _checked(name), fresh)
        except OSError:
            shutil.copyfile(out / name, fresh)
        os.makedirs((base + name).rpartition("/")[0], exist_ok=True)
        os.replace(fresh, base + name)
    return {**stamps, **_stamps(folder / MIRROR, written)}


def _stamps(folder: Path, names) -> dict[str, Stamp]:
    base, stamps = f"{folder}/", {}
    for name in names:
        with open(base + name, "rb") as file:
            stat = os.fstat(file.fileno())
            stamps[name] = (stat.st_mtime_ns, stat.st_size, _digest(file.read()))
    return stamps


def _remove_ours(path: Path) -> None:
    """Delete a folder this cache made (it holds the marker), and nothing else."""
    if path.is_dir() and not path.is_symlink():
        if not (path / MARKER).is_file():
            raise CacheRefused(path, f"holds files the build did not write (it has no {MARKER} marker file)")
        shutil.rmtree(path)


def write(folder: Path, options: BuildOptions, stored: Stored) -> None:
    """Write the state for the next build (atomically: a temporary file, then a rename)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # nested content (paragraph tuples in articles in libraries)
    try:
        payload = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        sys.setrecursionlimit(limit)
    header = {"format": FORMAT, "version": code_version(options), "options": options_key(options),
              "length": len(payload), "digest": _digest(payload).hex()}
    temporary = folder / f".{STATE}.tmp"
    with open(temporary, "wb") as file:
        file.write(MAGIC + json.dumps(header).encode() + b"\n")
        file.write(payload)
    os.replace(temporary, folder / STATE)

