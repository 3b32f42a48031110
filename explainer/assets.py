"""Static assets: copied from static/ with a content hash in their names, so they can be cached forever."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import ContentError, Location, Problem
from .files import MAX_ASSET_BYTES, Gate, RefusedFile

FINGERPRINTED = (".css", ".js")


def collect_assets(static: Path, fingerprint: bool = True, minify: bool = False) -> tuple[dict[str, bytes], dict[str, str]]:
    """Return (output files, map from 'style.css' to 'static/style.3f9a1c2b.css').

    The preview server turns fingerprinting off, so a CSS edit changes one file and no page.
    """
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    if not static.is_dir():
        return files, names
    gate = Gate(static, static.parent, max_bytes=MAX_ASSET_BYTES)
    problems = []
    for path in static_files(static):
        rel = path.relative_to(static).as_posix()
        try:
            data = gate.read(path)
        except RefusedFile as refused:
            problems.append(Problem(Location(f"{static.name}/{rel}"), refused.reason, refused.hint))
            continue
        if minify and path.suffix in FINGERPRINTED:
            data = minify_asset(data, path.suffix)
        if fingerprint and path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(data).hexdigest()[:10]
            out = f"static/{rel[:-len(path.suffix)]}.{digest}{path.suffix}"
        else:
            out = f"static/{rel}"
        files[out] = data
        names[rel] = out
    if problems:
        raise ContentError(problems)
    return files, names


def static_files(static: Path) -> list[Path]:
    """The files under `static`, sorted, leaving out hidden files and folders (.git, .DS_Store).
    Symlinked folders are not walked into; symlinked files go through the gate like any other."""
    found = []
    for folder, subfolders, names in os.walk(static):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [Path(folder, name) for name in names if not name.startswith(".")]
    return sorted(found)


def minify_asset(data: bytes, suffix: str) -> bytes:
    """Minify a stylesheet or script with minify-html (wrapping it in the element it would live in)."""
    import minify_html

    tag = "style" if suffix == ".css" else "script"
    wrapped = f"<{tag}>{data.decode('utf-8')}</{tag}>"
    small = minify_html.minify(wrapped, minify_css=True, minify_js=True)
    inner = small[small.index(">") + 1:small.rindex("<")]
    return inner.encode("utf-8")
