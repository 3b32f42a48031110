#!/usr/bin/env python3
"""Where a clean build's CPU time goes, stage by stage, in one process (`-j 1`).

Usage: .venv/bin/python benchmarks/build_stages.py [--size 5000] [--out DIR]

It builds the synthetic project of that size (benchmarks/_work/proj/n<size>, made by
run_bench.py or convert.py) with `pipeline.build(jobs=1)`, every stage wrapped so that each
call adds its CPU time (`time.process_time`) to the stage's total, and prints the totals with
the number of calls: load, validate and link (markdown-it's parse, finding the mentions,
rendering the paragraphs, the main process's indexes), then per page kind the page plan, Jinja,
the preview-card block, lexbor's parse, the link scan, the search record and the write, and
after them the link check and the search index. Nested stages count in their own row only
(their parent's row shows what is left). The build spreads linking and rendering over the
cores; this shows the work itself. The wrappers add about a microsecond a call. The output
folder (under benchmarks/_work/) is deleted before the clock starts, as run_bench.py does.

A stage is wrapped wherever a module of the package holds it, so the script follows a
function that moves between modules; one it cannot find is reported and left out.
"""
from __future__ import annotations

import argparse
import gc
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import explainer  # noqa: E402

# (row, function or Class.method): each is looked up in the package's modules and replaced in every
# module that refers to it
STAGES = [
    ("load: read files", "load_content"),
    ("validate", "validate"),
    ("link: markdown-it parse", "parse_blocks"),
    ("link: find mentions", "find_paragraph_matches"),
    ("link: choose links", "choose_links"),
    ("render paragraphs (markdown-it)", "render_markdown_block"),
    ("link: an article, the rest", "link_article"),
    ("link: index mentions", "index_article"),
    ("link: place excerpts", "place"),
    ("link: the rest", "link"),
    ("page: plan", "plan_page"),
    ("page: Jinja", "Renderer.render_parts"),
    ("page: card block", "card_block"),
    ("page: lexbor parse", "LexborHTMLParser"),
    ("page: link scan", "scan_tree"),
    ("page: search record", "search_record"),
    ("page: write", "FolderWriter.write"),
    ("link check", "check_scanned"),
    ("search index", "build_index"),
]
PER_KIND = {"page: plan", "page: Jinja", "page: card block", "page: lexbor parse", "page: link scan",
            "page: search record", "page: write"}


class Clock:
    """CPU time per row, with nested rows taken out of their parents'."""

    def __init__(self) -> None:
        self.totals: Counter = Counter()
        self.calls: Counter = Counter()
        self.stack: list[list] = []  # [row, started, time of nested rows]
        self.kind = ""

    def wrap(self, row: str, function):
        clock = self

        def timed(*args, **kwargs):
            frame = [row, time.process_time(), 0.0]
            clock.stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                clock.stack.pop()
                spent = time.process_time() - frame[1]
                key = f"{row} [{clock.kind}]" if row in PER_KIND else row
                clock.totals[key] += spent - frame[2]
                clock.calls[key] += 1
                if clock.stack:
                    clock.stack[-1][2] += spent
        timed.__wrapped__ = function
        return timed


def _holders(modules: list, name: str) -> list:
    return [module for module in modules if name in vars(module)]


def install(clock: Clock) -> list[str]:
    """Wrap every stage; return the ones not found."""
    import importlib
    import pkgutil

    modules = [importlib.import_module(info.name) for info in pkgutil.walk_packages(explainer.__path__, "explainer.")
               if not info.name.startswith("explainer.suggest")]
    missing = []
    for row, name in STAGES:
        owner_name, _, attribute = name.rpartition(".")
        holders = _holders(modules, owner_name or attribute)
        if not holders:
            missing.append(name)
            continue
        if owner_name:  # a method: replace it on its class
            owner = getattr(holders[0], owner_name)
            setattr(owner, attribute, clock.wrap(row, getattr(owner, attribute)))
            continue
        original = getattr(holders[0], attribute)
        timed = clock.wrap(row, original)
        for module in holders:
            if getattr(module, attribute) is original:
                setattr(module, attribute, timed)
    for module in _holders(modules, "render_spec"):
        _mark_page_kinds(clock, module, modules)
    return missing


def _mark_page_kinds(clock: Clock, module, modules: list) -> None:
    """Tell the clock which kind of page is being made, and when the pages are done."""
    made, made_all = module.render_spec, module.render_all

    def render_spec(builder, renderer, spec, *args, **kwargs):
        clock.kind = spec[0] if spec[0] in ("article", "entity") else "other"
        return made(builder, renderer, spec, *args, **kwargs)

    def render_all(*args, **kwargs):
        try:
            return made_all(*args, **kwargs)
        finally:
            clock.kind = "after the pages"  # the index and the files written at the end
    module.render_spec = render_spec
    for holder in modules:
        if getattr(holder, "render_all", None) is made_all:
            holder.render_all = render_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=HERE / "_work" / "out" / "build-stages")
    args = parser.parse_args()
    project = HERE / "_work" / "proj" / f"n{args.size}"
    if not (project / "content").is_dir():
        raise SystemExit(f"no project at {project}: run run_bench.py --sizes {args.size} first")
    clock = Clock()
    missing = install(clock)
    from explainer.pipeline import BuildOptions, build

    if args.out.is_dir() and HERE / "_work" in args.out.resolve().parents:
        shutil.rmtree(args.out)  # this script's own output of a run before: no part of a clean build
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    build(BuildOptions(root=project, out=args.out, jobs=1, theme=HERE.parent))
    wall, total = time.perf_counter() - started, time.process_time() - cpu
    print(f"N = {args.size}: clean build in one process, {total:.2f} s CPU ({wall:.2f} s wall)")
    print(f"{'stage':<34} {'CPU s':>7} {'calls':>7} {'ms a call':>9}")
    for row, _ in STAGES:
        for key in sorted(k for k in clock.totals if k == row or k.startswith(row + " [")):
            seconds, calls = clock.totals[key], clock.calls[key]
            print(f"{key:<34} {seconds:7.2f} {calls:7d} {seconds / calls * 1000:9.3f}")
    counted = sum(clock.totals.values())
    print(f"{'everything else':<34} {total - counted:7.2f}")
    if missing:
        print("not found (left out):", ", ".join(missing))


if __name__ == "__main__":
    main()
