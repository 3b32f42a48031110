"""Make english_zipf.txt, the word frequencies `build.py suggest` reads (run at dev time only).

    .venv/bin/pip install wordfreq==3.1.1
    .venv/bin/python explainer/suggest/data/make_english_zipf.py

It writes every lower-case English word of wordfreq's small English list (those used at least
once per million words, Zipf 3 and up) with its Zipf frequency, from commonest to rarest. suggest
needs nothing else from wordfreq, so the package (57 MB with its lists for other languages, no
longer updated by its author) is not a requirement; the header below states the data's licence.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from importlib.metadata import version

from wordfreq import get_frequency_dict

HEADER = f"""# English word frequencies on the Zipf scale (log10 of uses per billion words), from wordfreq {version("wordfreq")}'s
# small English list: lower-case words only, Zipf 3.00 and up. Made by make_english_zipf.py beside this file.
# Data: wordfreq by Robyn Speer (https://github.com/rspeer/wordfreq); its data files, and so this list derived
# from them, may be redistributed under Creative Commons Attribution-ShareAlike 4.0
# (https://creativecommons.org/licenses/by-sa/4.0/). wordfreq's sources, credited as its README asks:
# Google Books Ngram Viewer (http://books.google.com/ngrams); the Leeds Internet Corpus (University of Leeds
# Centre for Translation Studies); Wikipedia; ParaCrawl; OPUS OpenSubtitles 2018 (OpenSubtitles project);
# the SUBTLEX word lists by Marc Brysbaert et al., which are freely available data
# (http://crr.ugent.be/programs-data/subtitle-frequencies); and the other sources its README lists.
"""


def main() -> None:
    frequencies = get_frequency_dict("en", wordlist="small")
    rows = sorted(((round(math.log10(f * 1e9), 2), w) for w, f in frequencies.items()
                   if re.fullmatch(r"[a-z][a-z-]*", w)), key=lambda row: (-row[0], row[1]))
    out = Path(__file__).with_name("english_zipf.txt")
    out.write_text(HEADER + "".join(f"{word} {zipf:.2f}\n" for zipf, word in rows), encoding="utf-8")
    print(f"{out}: {len(rows)} words")


if __name__ == "__main__":
    main()
