"""Run the search relevance set (tests/search_relevance.yaml) through this site's search and through
Pagefind on the same built site, in Chromium, and print the scores by category (docs/search.md).

    .venv/bin/python benchmarks/search_vs_pagefind.py [--show-misses]

Needs the dev requirements (pagefind[extended], playwright) and /usr/bin/chromium. The real site is
built into a temporary folder; Pagefind indexes a copy of it, told the same things this search is
told: each page's searchable part (`data-search-body` becomes Pagefind's `data-pagefind-body`) and
what to leave out (`--exclude-selectors "[data-search-ignore]"`), with its default ranking. Both are
served on 127.0.0.1 on a free port and queried as a reader would: ours by typing into the search
page, Pagefind through its JavaScript API (`pagefind.search(query)`), which its UI calls too.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
CASES = yaml.safe_load((REPO / "tests" / "search_relevance.yaml").read_text(encoding="utf-8"))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm"}

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serving(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def ours(page, base: str) -> dict[str, list[str]]:
    page.goto(base + "/search/")
    found = {}
    for query in dict.fromkeys(case["query"] for case in CASES):
        page.fill("#search-input", query)
        page.wait_for_function(
            """q => { const s = document.querySelector('#search-status').textContent;
                      return s.includes('for “' + q + '”') && !document.querySelector('.search-loading'); }""",
            arg=query)
        found[query] = page.locator("#search-results > li > h2 > a").evaluate_all(
            "as => as.map(a => new URL(a.href).pathname)")
    return found


def pagefind(page, base: str) -> dict[str, list[str]]:
    page.goto(base + "/search/")
    page.evaluate("async () => { window.pf = await import('/pagefind/pagefind.js'); await window.pf.init(); }")
    found = {}
    for query in dict.fromkeys(case["query"] for case in CASES):
        found[query] = page.evaluate("""async q => {
            const search = await window.pf.search(q);
            const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
            return data.map(d => new URL(d.url, location.href).pathname);
        }""", query)
    return found


def score(found: dict[str, list[str]]) -> tuple[dict[str, list[int]], list]:
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for case in CASES:
        hit = case["expect"] in found[case["query"]][:case["within"]]
        by_category[case["category"]][0] += hit
        by_category[case["category"]][1] += 1
        if not hit:
            misses.append((case["query"], case["expect"], case["within"], found[case["query"]][:5]))
    return by_category, misses


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        site, other = Path(temporary) / "site", Path(temporary) / "pagefind-site"
        subprocess.run([sys.executable, "build.py", "build", "--out", str(site)], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
        shutil.copytree(site, other)
        for html in other.rglob("*.html"):
            text = html.read_text(encoding="utf-8")
            if " data-search-body" in text:
                html.write_text(text.replace(" data-search-body", " data-search-body data-pagefind-body", 1),
                                encoding="utf-8")
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(other), "--exclude-selectors",
                        "[data-search-ignore]", "--quiet"], check=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            with serving(site) as base:
                mine = score(ours(browser.new_page(), base))
            with serving(other) as base:
                theirs = score(pagefind(browser.new_page(), base))
            browser.close()
        print("| category | queries | this search | Pagefind 1.5.2 |")
        print("|---|--:|--:|--:|")
        for category in mine[0]:
            hits, total = mine[0][category]
            print(f"| {category} | {total} | {hits} | {theirs[0][category][0]} |")
        total = len(CASES)
        print(f"| **all** | {total} | **{sum(h for h, _ in mine[0].values())}** | "
              f"**{sum(h for h, _ in theirs[0].values())}** |")
        print(f"\nindex size: this search {folder_size(site / 'search-index') / 1024:.0f} kB, "
              f"Pagefind {folder_size(other / 'pagefind') / 1024:.0f} kB")
        if args.show_misses:
            for name, (_, misses) in (("this search", mine), ("Pagefind", theirs)):
                print(f"\nmissed by {name}:")
                for miss in misses:
                    print("  ", *miss)


if __name__ == "__main__":
    main()
