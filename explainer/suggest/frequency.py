"""How common a word is in general English, on the Zipf scale (log10 of uses per billion words),
from the list in data/english_zipf.txt (wordfreq's small English list, made at dev time by the
script beside it; its header gives the licence and sources). Words not in the list, used less
than once per million words, are 0, as wordfreq's `zipf_frequency` has them."""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

LIST = Path(__file__).with_name("data") / "english_zipf.txt"


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    rows = (line.split() for line in LIST.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return {word: float(zipf) for word, zipf in rows}


def zipf(word: str) -> float:
    """A lower-case word's Zipf frequency; a hyphenated one combines its parts as wordfreq does
    (1/f = 1/f1 + 1/f2 …), so that the rarest part decides."""
    table = _table()
    parts = [part for part in word.split("-") if part]
    if not parts or any(part not in table for part in parts):
        return 0.0
    if len(parts) == 1:
        return table[parts[0]]
    frequency = 1 / sum(10 ** (9 - table[part]) for part in parts)  # each part's 1/f, f = 10**(z-9)
    frequency = round(frequency, 2 - math.floor(math.log10(frequency)))  # three significant digits, as wordfreq
    return round(math.log10(frequency * 1e9), 2)
