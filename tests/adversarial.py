"""Helpers for the second adversarial corpus (test_adversarial_*.py): a record of every file around
a project, to prove that a build touched nothing outside its output folder."""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

from helpers import REPO, own_theme  # noqa: F401  (own_theme: used by the adversarial tests)


def snapshot(folder: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple]:
    """Every entry under `folder` (without following symlinks, without reading FIFOs or devices):
    its kind and its bytes' hash or link target. Entries under a path in `skip` are left out."""
    skipped = {os.path.realpath(p) for p in skip} | {os.path.abspath(p) for p in skip}
    found: dict[str, tuple] = {}
    for current, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if os.path.join(current, f) not in skipped]
        for name in folders + files:
            path = os.path.join(current, name)
            if path in skipped:
                continue
            info = os.lstat(path)
            rel = os.path.relpath(path, folder)
            if stat.S_ISLNK(info.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                if info.st_size > 10_000_000:  # sparse giants: their size and time say enough
                    found[rel] = ("big", info.st_size, info.st_mtime_ns)
                else:
                    with open(path, "rb") as handle:
                        found[rel] = ("file", hashlib.sha256(handle.read()).hexdigest())
            elif stat.S_ISDIR(info.st_mode):
                found[rel] = ("dir",)
            else:
                found[rel] = ("special", stat.S_IFMT(info.st_mode))
    return found


