#!/usr/bin/env python3
"""What the search index and the link check cost a clean build, beside the plain-Python floor.

Usage: .venv/bin/python benchmarks/feature_cost.py [--size 5000] [--rounds 4]

Issue 22 asks for a clean build within 2.0x the floor's wall time while doing everything the real
site does. This script measures how far the build would be from the floor if two of those
features were dropped, so the question "is the target within reach by cutting a feature?" has a
measured answer. It runs, interleaved, on the synthetic project that run_bench.py makes:

- full: the build as it is (`pipeline.build`, both cores);
- no search: each page's search record stubbed out (no passages, no term files);
- no search, no check: also no HTML parse of each page and so no link check;
- floor: `reference/floor.py --rx trie -j 2`, as in run_bench.py.

Each build is a fresh process writing into a fresh folder (deleted, and the disk synced, before
the clock starts); its wall time and its CPU time (user + system, its worker processes included)
are measured from here. The first round is a warm-up and is dropped; it prints medians and the
median of each round's ratio to the floor. The stubs live in this script only: nothing in the
package can turn these features off.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work"
VARIANTS = ("full", "no search", "no search, no check", "floor")


def build_variant(variant: str, project: Path, out: Path) -> None:
    """Run one explainer build in this process, with the features the variant drops stubbed out."""
    sys.path.insert(0, str(REPO))
    import explainer.jobs as jobs
    from explainer.check import _PageScan
    from explainer.pipeline import BuildOptions, build

    stubbed = {"search_record", "LexborHTMLParser", "scan_tree"}
    if not stubbed <= set(vars(jobs)):  # renamed: the stubs would silently change nothing
        raise SystemExit(f"explainer.jobs no longer has {sorted(stubbed - set(vars(jobs)))}: update this script")
    if variant in ("no search", "no search, no check"):
        jobs.search_record = lambda tree, url: None
    if variant == "no search, no check":
        jobs.LexborHTMLParser = lambda text: None
        jobs.scan_tree = lambda tree: _PageScan(set(), [], [])
    theme = None if (project / "templates").is_dir() else REPO  # as build.py: a project's own templates first
    build(BuildOptions(root=project, out=out, jobs=2, theme=theme))


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, with every process it waited for) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)  # one build, in this process
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)  # (the tests build the real site)
    args = parser.parse_args()
    project, corpus = WORK / "proj" / f"n{args.size}", WORK / "corpus" / f"n{args.size}" / "plain"
    if args.variant:
        build_variant(args.variant, args.project or project, args.out)
        return
    if not (project / "content").is_dir() or not corpus.is_dir():
        raise SystemExit(f"no project at {project}: run run_bench.py --sizes {args.size} first")
    results: dict[str, list[tuple[float, float]]] = {variant: [] for variant in VARIANTS}
    for round_number in range(args.rounds + 1):
        for variant in VARIANTS:
            out = WORK / "out" / f"feature-cost-{variant.replace(', ', '-').replace(' ', '-')}"
            if out.exists():
                shutil.rmtree(out)
            os.sync()
            command = ([sys.executable, str(HERE / "reference" / "floor.py"), str(corpus), str(out), "--rx", "trie",
                        "-j", "2"] if variant == "floor" else
                       [sys.executable, __file__, "--size", str(args.size), "--variant", variant, "--out", str(out)])
            wall, cpu = timed(command)
            print(f"round {round_number} {variant}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
            if round_number:  # round 0 warms the disk cache and is dropped
                results[variant].append((wall, cpu))
    floor = results["floor"]
    print(f"\nN = {args.size}, {args.rounds} rounds (medians; ratio: median of each round's ratio to the floor)")
    print("| build | wall s | CPU s | wall ÷ floor | CPU ÷ floor |\n|---|--:|--:|--:|--:|")
    for variant in VARIANTS:
        runs = results[variant]
        wall_ratio = statistics.median(w / f[0] for (w, _), f in zip(runs, floor))
        cpu_ratio = statistics.median(c / f[1] for (_, c), f in zip(runs, floor))
        print(f"| {variant} | {statistics.median(w for w, _ in runs):.2f} | {statistics.median(c for _, c in runs):.2f} "
              f"| {wall_ratio:.2f} | {cpu_ratio:.2f} |")


if __name__ == "__main__":
    main()
