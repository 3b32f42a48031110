"""Full-text search, indexed at build time by Pagefind (the binary ships inside its PyPI wheel).

Pagefind reads the finished HTML in the staging folder, before it is swapped in, and writes its
index and UI beside it. Each page tells Pagefind its kind (data-pagefind-filter/meta in the
templates), so results say whether they are the article, an entity, an event or a term.
"""
from __future__ import annotations

import subprocess
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def pagefind_binary() -> Path:
    from pagefind_bin_extended import get_executable

    return get_executable()


def index_site(folder: Path) -> None:
    """Write folder/pagefind/ for the HTML files under folder."""
    proc = subprocess.run([str(pagefind_binary()), "--site", str(folder), "--output-subdir", "pagefind", "--silent"],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed: {(proc.stderr or proc.stdout).strip()[:500]}")
