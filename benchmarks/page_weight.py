#!/usr/bin/env python3
"""What a reader downloads: each page kind's HTML, and the CSS and JS it loads, raw and gzipped.

Usage: .venv/bin/python benchmarks/page_weight.py [--minify]

Builds the real site into a temporary folder (`--minify` as production deploys do), then prints
one row per page kind in kB (1,000 bytes; gzip at level 9). Fonts, the search index and
`/data/` are left out: a page does not load them until a reader searches or asks for them.
"""
from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"home": "index.html", "article": "articles/musk-putin-spacex/index.html",
         "entity (Elon Musk)": "entities/elon-musk/index.html", "timeline": "timeline/index.html",
         "glossary": "glossary/index.html", "map": "map/index.html", "search": "search/index.html"}


def sizes(data: bytes) -> tuple[float, float]:
    return len(data) / 1000, len(gzip.compress(data, 9, mtime=0)) / 1000


def loaded(site: Path, page: Path, selector: str, attribute: str) -> bytes:
    """The files under /static/ a page loads through `selector`'s `attribute`, concatenated."""
    tree = LexborHTMLParser(page.read_bytes())
    urls = [node.attributes.get(attribute) or "" for node in tree.css(selector)]
    urls = [url for url in urls if "/static/" in url]
    return b"".join((site / "static" / url.split("/static/", 1)[1]).read_bytes() for url in urls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minify", action="store_true", help="minify as a production deploy does")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--out", str(site),
                        *(["--minify"] if args.minify else [])], check=True, stdout=subprocess.DEVNULL)
        print("| page | HTML | gzip | CSS | gzip | JS | gzip |")
        print("|---|--:|--:|--:|--:|--:|--:|")
        for kind, name in PAGES.items():
            page = site / name
            html = sizes(page.read_bytes())
            css = sizes(loaded(site, page, 'link[rel="stylesheet"]', "href"))
            js = sizes(loaded(site, page, "script[src]", "src"))
            print(f"| {kind} | " + " | ".join(f"{value:.1f}" for value in (*html, *css, *js)) + " |")


if __name__ == "__main__":
    main()
