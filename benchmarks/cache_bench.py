#!/usr/bin/env python3
"""A CI build with the cache of the build before (`build --cache`) against a clean build, paired.

Usage: .venv/bin/python benchmarks/cache_bench.py [--size 5000] [--rounds 6]

It copies the synthetic project of run_bench.py (N articles, 500 entities) to
benchmarks/_work/cache/, primes the cache with one cached build, then runs, in turn, a clean
build and a warm build, each into an output folder that does not exist yet (as in a fresh CI
checkout; the previous output is deleted untimed). Before each warm build one seed gets a new
sentence in one paragraph (untimed), so each warm build starts from the cache the build before
left, as on Netlify. Each build is timed as a whole process with GNU time. It prints the median
wall time of each, and the median and range of the per-round ratio warm ÷ clean; the first round is a
warm-up and is dropped. Both outputs are compared after the last round (they must be the same).
"""
from __future__ import annotations

import argparse
import filecmp
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work" / "cache"
sys.path.insert(0, str(HERE))

from run_bench import prepare, run  # noqa: E402


def same_trees(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    if filecmp.cmpfiles(a, b, compared.common_files, shallow=False)[1:] != ([], []):
        return False
    return all(same_trees(a / name, b / name) for name in compared.common_dirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=6, help="rounds including one warm-up")
    args = parser.parse_args()
    _commands, unused_out = prepare(args.size, 500)
    shutil.rmtree(unused_out)
    project, cache = WORK / f"n{args.size}", WORK / f"cache-{args.size}"
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(HERE / "_work" / "proj" / f"n{args.size}", project)
    seed = project / "seeds" / "article-00500.md"
    build = f"{sys.executable} {REPO}/build.py --root {project} build"
    clean, warm = f"{build} --out {WORK}/clean", f"{build} --out {WORK}/warm --cache {cache}"
    subprocess.run(warm, shell=True, check=True, capture_output=True)  # primes the cache
    walls: dict[str, list[float]] = {"clean": [], "warm": []}
    for number in range(args.rounds):
        text = seed.read_text(encoding="utf-8")
        head, body = text.split("\n---\n", 1)
        seed.write_text(f"{head}\n---\nThe round {number} sentence. {body}", encoding="utf-8")
        for name, command in (("clean", clean), ("warm", warm)):
            shutil.rmtree(WORK / name, ignore_errors=True)  # untimed: each build starts with no output
            wall, _rss = run(command)
            if number:
                walls[name].append(wall)
            print(f"round {number} {name}: {wall:.2f} s", flush=True)
    ratios = [w / c for w, c in zip(walls["warm"], walls["clean"])]
    print(f"\nN = {args.size}, {args.rounds - 1} rounds after a warm-up")
    print("| build | median wall s |\n|---|--:|")
    for name, values in walls.items():
        print(f"| {name} | {statistics.median(values):.2f} |")
    print(f"| warm ÷ clean, per round | {statistics.median(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f}) |")
    print("outputs identical:", same_trees(WORK / "clean", WORK / "warm"))


if __name__ == "__main__":
    main()
