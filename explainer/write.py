"""Stage 6, write: put the finished files into the output folder all at once, or not at all.

Files go into a temporary sibling folder that is swapped in by renaming, so readers and the
preview server never see a half-written site, and a failed or killed build leaves the previous
one in place. Leftovers of an interrupted build are removed on the next run.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Callable


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


def write_site(out: Path, files: dict[str, bytes], finish: Callable[[Path], None] | None = None) -> None:
    """Write every file into a fresh folder, run `finish` on it (e.g. the search indexer), then swap it in."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        made: set[Path] = set()
        for name in sorted(files):
            target = staging.joinpath(*safe_relative(name).parts)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(files[name])
        if finish is not None:
            finish(staging)
        os.chmod(staging, 0o755)
        swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def swap_in(staging: Path, out: Path) -> None:
    if out.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        retired.rmdir()
        out.rename(retired)
        staging.rename(out)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(out)
