#!/usr/bin/env python3
"""Auto-linking cost against the number of entities: one pass over the text, whatever the aliases.

Usage: .venv/bin/python benchmarks/linker_bench.py [CORPUS_PLAIN_DIR]

Matches every paragraph of the synthetic corpus (default: benchmarks/_work/corpus/n1000/plain)
against E = 500 and E = 5,000 entity names (the corpus's 500 plus 4,500 generated ones of the same
shape), repeated 5 times, and prints the median time per article and the ratio.
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from explainer.linker import AliasEntry, AliasMatcher  # noqa: E402


def main() -> None:
    plain = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "_work/corpus/n1000/plain"
    names = [e["name"] for e in json.loads((plain / "entities.json").read_text())]
    texts = [p.read_text() for p in sorted((plain / "articles").glob("*.md"))]
    rng = random.Random(1)
    syllables = ["ka", "vel", "dor", "min", "zar", "quel", "tor", "bri", "nes", "lo", "ur", "ath"]
    extra = set()
    while len(extra) < 4500:
        extra.add(" ".join("".join(rng.choice(syllables) for _ in range(3)).capitalize() for _ in range(2)))
    results = {}
    for count, pool in ((500, names), (5000, names + sorted(extra))):
        matcher = AliasMatcher(AliasEntry(n, f"e{i}", "entity") for i, n in enumerate(pool))
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            found = sum(len(matcher.find(t)) for t in texts)
            runs.append(time.perf_counter() - started)
        results[count] = statistics.median(runs)
        print(f"E={count}: {results[count] / len(texts) * 1000:.3f} ms per article, {found} matches")
    print(f"E=5000 / E=500: {results[5000] / results[500]:.2f}x")


if __name__ == "__main__":
    main()
