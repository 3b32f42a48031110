"""Per-stage caches: what a stage's per-unit function made, by a content key of its inputs.

A key names what the unit is made of (an article's content hash and a hash of everything else
its result depends on: the aliases, the link policy, the site's address), never an object's
identity, so a result is reused only for the same inputs, and a cache kept on disk is as good in
the next process. Every result is also tied to the version of the code that made it: a cache
made by other code is emptied when adopted.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Hashable

CODE = Path(__file__).resolve().parent.parent  # the explainer package


@functools.cache
def code_version() -> str:
    """A hash of the generator's code (what makes a stage's results besides its inputs)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(CODE.rglob("*.py")):
        digest.update(path.relative_to(CODE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_key(*parts: object) -> str:
    """A hash of plain data (strings, numbers, tuples of them): the same parts, the same key."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class StageCache:
    """Results by stage and content key, made by the code of one version."""

    def __init__(self, version: str | None = None) -> None:
        self.version = version or code_version()
        self._results: dict[str, dict[Hashable, object]] = {}

    def get(self, stage: str, key: Hashable) -> object | None:
        return self._results.get(stage, {}).get(key)

    def put(self, stage: str, key: Hashable, value: object) -> None:
        self._results.setdefault(stage, {})[key] = value

    def size(self, stage: str) -> int:
        return len(self._results.get(stage, {}))

    def keep(self, stage: str, keys: set[Hashable]) -> None:
        """Forget a stage's results other than those of `keys` (the ones the last run used)."""
        results = self._results.get(stage, {})
        self._results[stage] = {key: value for key, value in results.items() if key in keys}

    def renew(self, version: str | None = None) -> None:
        """Carry on under the code of `version` (this process's): results of other code are dropped."""
        version = version or code_version()
        if version != self.version:
            self._results.clear()
            self.version = version
