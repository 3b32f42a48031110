"""Full-text search, indexed at build time by Pagefind (the binary ships inside its PyPI wheel).

Pagefind reads the finished HTML in the staging folder, before it is swapped in, and writes its
index and UI beside it. Each page tells Pagefind its kind (data-pagefind-filter/meta in the
templates), so results say whether they are the article, an entity, an event or a term.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def pagefind_binary() -> Path:
    from pagefind_bin_extended import get_executable

    return get_executable()


def index_site(folder: Path, background: bool = False) -> None:
    """Write folder/pagefind/ for the HTML files under folder (at the lowest CPU priority when
    `background`, so the preview's own rebuilds stay fast while the index catches up)."""
    proc = subprocess.run([str(pagefind_binary()), "--site", str(folder), "--output-subdir", "pagefind", "--silent"],
                          capture_output=True, text=True, timeout=600,
                          preexec_fn=(lambda: os.nice(19)) if background and hasattr(os, "nice") else None)
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed: {(proc.stderr or proc.stdout).strip()[:500]}")
