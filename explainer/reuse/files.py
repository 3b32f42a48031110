"""The preview server's cache of parsed files and folder listings, so that a rebuild after a save
reads only what changed: the `Sources` the load stage reads through in a session."""
from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..files import list_files
from ..load import YamlParser
from ..yamldoc import YamlDoc, parse_yaml
from .entries import parse_yaml_entries


class FileCache:
    """Parsed files by path, reused while size and modification time are unchanged (preview server).

    Only files that parsed cleanly are kept, so a broken file is read, and reported, every time.

    After `trust_changes(paths)` (the file watcher's report of what changed) the cache believes
    the watcher: unchanged files are reused without a stat and folder listings are reused unless
    a reported path was added, removed or is a folder. On a site of thousands of seeds the stats
    and the listing cost more than the whole rest of a one-paragraph rebuild. `distrust()` goes
    back to checking every file (a full build).
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], object]] = {}
        self._listings: dict[tuple[Path, tuple[str, ...]], tuple[list[Path], set[Path]]] = {}
        self._links: set[Path] = set()  # symlinked files: their target's saves are reported elsewhere
        self.entries: dict[Path, dict] = {}  # per collection file: its entries parsed one by one
        self._trusted = False
        # parsed_all's last answer: (the listing asked about, results, index of each path, paths that failed)
        self._many: tuple[list[Path], list, dict[Path, int], set[Path]] | None = None
        self._reported: set[Path] = set()  # paths reported since parsed_all last answered

    def forget(self, paths) -> None:
        """Drop paths the watcher reported (a same-size save within the clock's tick keeps its mtime)."""
        for path in paths:
            self._entries.pop(Path(path), None)

    def trust_changes(self, paths) -> None:
        """Rely on `paths` (spelled as the loader spells them: root / relative) being all that changed."""
        paths = [Path(p) for p in paths]
        self.forget(paths)
        self.forget(self._links)
        self._reported |= set(paths) | self._links
        for path in paths:
            for key, (_, members) in list(self._listings.items()):
                folder = key[0]
                if (path == folder or folder in path.parents) and (path not in members or not path.is_file()):
                    del self._listings[key]  # a file came or went: list the folder again
        self._trusted = True

    def distrust(self) -> None:
        self._listings.clear()
        self._trusted = False
        self._many = None

    def stamps(self) -> dict[Path, tuple[int, int]]:
        """Each cached file's stamp (modification time, size) as it was when parsed."""
        return {path: entry[0] for path, entry in self._entries.items()}

    def vouch(self, path: Path, stamp: tuple[int, int]) -> None:
        """Take the cached parse of `path` as current for the file now stamped `stamp` (the CI
        cache found its content unchanged: a fresh checkout gives every file a new time)."""
        self._entries[path] = (stamp, self._entries[path][1])

    def files(self, folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
        key = (folder, suffixes)
        if not self._trusted or key not in self._listings:
            listing = list_files(folder, suffixes)
            self._listings[key] = (listing, set(listing))
        return self._listings[key][0]

    def parsed_all(self, paths: list[Path], load) -> list:
        """`[parsed(path, lambda: load(path)) ...]`, without a call per file for the trusted, cached ones.

        Trusting the watcher, and asked again about the very same listing (nothing came or went),
        it copies its last answer and loads just the reported paths and those that failed (so
        their problems are reported again): thousands of seeds, one saved.
        """
        if self._trusted and self._many is not None and self._many[0] is paths:
            _, last, index, failed = self._many
            results = list(last)
            again = {path for path in self._reported if path in index} | failed
            for path in again:
                results[index[path]] = self.parsed(path, lambda path=path: load(path))
            failed = {path for path in again if results[index[path]] is None}
        else:
            entries = self._entries
            if self._trusted:
                results = [entry[1] if (entry := entries.get(path)) is not None
                           else self.parsed(path, lambda path=path: load(path)) for path in paths]
            else:
                results = [self.parsed(path, lambda path=path: load(path)) for path in paths]
            index = {path: n for n, path in enumerate(paths)}
            failed = {path for path, result in zip(paths, results) if result is None}
        self._many = (paths, results, index, failed)
        self._reported = set()
        return results

    def parsed(self, path: Path, load) -> object:
        entry = self._entries.get(path)
        if self._trusted and entry is not None:
            return entry[1]
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp is not None and entry is not None and entry[0] == stamp:
            return entry[1]
        result = load()
        if result is not None and stamp is not None:
            self._entries[path] = (stamp, result)
            if path.is_symlink():
                self._links.add(path)
        else:
            self._entries.pop(path, None)
        return result

    def yaml_parser(self, path: Path) -> YamlParser:
        """A collection file is parsed entry by entry, reusing the entries that did not change
        (or as a whole, when it is not a plain list or an entry has a problem)."""
        entries = self.entries.setdefault(path, {})

        def parse(text: str, rel: str, problems: Problems) -> YamlDoc | None:
            doc = parse_yaml_entries(text, rel, entries)
            return doc if doc is not None else parse_yaml(text, rel, problems)
        return parse
