"""Static assets: copied from static/ with a content hash in their names, so they can be cached forever."""
from __future__ import annotations

import hashlib
from pathlib import Path

FINGERPRINTED = (".css", ".js")


def collect_assets(static: Path, fingerprint: bool = True, minify: bool = False) -> tuple[dict[str, bytes], dict[str, str]]:
    """Return (output files, map from 'style.css' to 'static/style.3f9a1c2b.css').

    The preview server turns fingerprinting off, so a CSS edit changes one file and no page.
    """
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    if not static.is_dir():
        return files, names
    for path in sorted(p for p in static.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(static).as_posix()
        data = path.read_bytes()
        if minify and path.suffix in FINGERPRINTED:
            data = minify_asset(data, path.suffix)
        if fingerprint and path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(data).hexdigest()[:10]
            out = f"static/{rel[:-len(path.suffix)]}.{digest}{path.suffix}"
        else:
            out = f"static/{rel}"
        files[out] = data
        names[rel] = out
    return files, names


def minify_asset(data: bytes, suffix: str) -> bytes:
    """Minify a stylesheet or script with minify-html (wrapping it in the element it would live in)."""
    import minify_html

    tag = "style" if suffix == ".css" else "script"
    wrapped = f"<{tag}>{data.decode('utf-8')}</{tag}>"
    small = minify_html.minify(wrapped, minify_css=True, minify_js=True)
    inner = small[small.index(">") + 1:small.rindex("<")]
    return inner.encode("utf-8")
