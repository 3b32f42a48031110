#!/usr/bin/env python3
"""Where a preview rebuild's time goes, stage by stage, in-process (no server, no watcher).

Usage: .venv/bin/python benchmarks/rebuild_stages.py [--size 5000] [--edit seed|entity|template] [--repeat 20]
                                                     [--pause 0.3]

It copies the project as incremental_bench.py does (to benchmarks/_work/stages/<size>), runs a full
build in a preview Session (drafts included, as `serve` does), then applies the same edit as the
benchmark `--repeat` times and prints the median time until the page in view was written, the
whole rebuild, and the median of each stage per rebuild (a stage that runs twice, once for the
page in view and once for the rest, is listed as #0 and #1). `--pause` waits between edits, as
an author does; an idle pause lets other work on the machine evict the session's data from the
CPU caches, which adds some milliseconds to the next rebuild.
"""
from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import explainer.engine as engine  # noqa: E402
import explainer.reuse.session as session_module  # noqa: E402
from explainer.engine import BuildOptions  # noqa: E402
from explainer.reuse.session import Session  # noqa: E402
from explainer.reuse.templates import TemplateGraph  # noqa: E402

EDITS = {"seed": "seed paragraph", "entity": "entity summary", "template": "template"}


def instrument(timings: dict[str, list[float]]) -> None:
    """Wrap each stage so that every call adds its wall time to `timings[name]`."""
    def wrap(owner, name: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        setattr(owner, name, timed)

    for name in ("load_library", "link", "render_all", "PageBuilder", "load_content", "validate", "check_scanned"):
        wrap(engine, name)
    for name in ("update_keys", "page_specs", "pages_touched_by"):
        wrap(session_module, name)
    wrap(TemplateGraph, "affected")
    articles_linked = engine.link_articles
    engine.link_articles = lambda *args, **kwargs: list(articles_linked(*args, **kwargs))  # a generator: time it all
    wrap(engine, "link_articles")
    for name in ("_write_changed", "renderer", "tables", "validate", "link"):
        wrap(Session, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="5000")
    parser.add_argument("--edit", choices=sorted(EDITS), default="seed")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()
    from incremental_bench import apply, project_for

    project, edits = project_for(args.size, folder="stages")
    path, anchor, page = edits[EDITS[args.edit]]
    session = Session(BuildOptions(root=project, out=project / "site", drafts=True, fingerprint=False, search=False))
    session.build_all()
    timings: dict[str, list[float]] = {}
    instrument(timings)
    per_stage: dict[str, list[float]] = {}
    firsts, totals = [], []
    for attempt in range(args.repeat + 1):  # the first is a warm-up
        timings.clear()
        apply(path, anchor, f"zqs{attempt}x{int(time.time() * 1000) % 100000}", EDITS[args.edit])
        report = session.rebuild({path}, viewing=(page,))
        if attempt:
            firsts.append(report.first_milliseconds)
            totals.append(report.milliseconds)
            for name, calls in timings.items():
                for number, milliseconds in enumerate(calls):
                    per_stage.setdefault(f"{name}#{number}" if len(calls) > 1 else name, []).append(milliseconds)
        time.sleep(args.pause)
    print(f"{args.size} {EDITS[args.edit]}: page in view written {statistics.median(firsts):.1f} ms, "
          f"whole rebuild {statistics.median(totals):.0f} ms ({report.rendered} pages), median of {args.repeat}")
    for name, values in sorted(per_stage.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {name:20s} {statistics.median(values):8.2f} ms")


if __name__ == "__main__":
    main()
