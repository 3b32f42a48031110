"""suggest against hand curation (benchmarks/suggest_eval.py says how entries are matched).

Three articles: the live seed against content/, and two fictional articles written for these
tests and curated by hand before suggest first ran on them (tests/fixtures/suggest-night-train/,
tests/fixtures/suggest-desalination/). Where the issue's target is met the target is asserted;
where it is not (marked), the figure measured when the rules landed is asserted, so that a change
can only improve it; docs/suggest.md gives both, and which figures are in-sample."""
from __future__ import annotations

import sys
import time

import pytest

from explainer.dates import parse_date
from explainer.errors import Location
from explainer.model import Article, Paragraph
from explainer.suggest import suggest
from helpers import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from suggest_eval import evaluate  # noqa: E402

NIGHT_TRAIN = REPO / "tests" / "fixtures" / "suggest-night-train"
DESALINATION = REPO / "tests" / "fixtures" / "suggest-desalination"


@pytest.fixture(scope="module")
def seed_figures():
    return evaluate(REPO, REPO / "seeds" / "000_5f9e32d0296bbd23.txt")


@pytest.fixture(scope="module")
def fixture_figures():
    return evaluate(NIGHT_TRAIN, NIGHT_TRAIN / "seeds" / "night-train.md")


@pytest.fixture(scope="module")
def third_figures():
    return evaluate(DESALINATION, DESALINATION / "seeds" / "desalination.md")


def test_the_seed(seed_figures):
    f = seed_figures
    assert f["entities"].recall >= 0.90
    assert f["entities"].precision >= 0.70
    assert f["quotes"].recall >= 0.95
    assert f["quotes_right_speaker"] / f["quotes"].total >= 0.95  # the issue: ≥ 95% with the right speaker (29/30)
    assert f["events"].recall >= 0.80  # a statement dated by tense alone counts only if its interval holds the date
    assert f["events_dated"] >= 30  # below 80% (measured 30/39): 5 curated events come after publication
    assert f["events"].precision >= 0.80
    assert f["statements"].precision >= 0.35  # what a desk keeps of the statements dated by tense
    assert f["terms"].recall >= 0.60
    assert f["terms"].precision >= 0.45  # measured 48%
    assert f["seconds"] < 5


def test_the_fictional_article(fixture_figures):
    f = fixture_figures
    assert f["events"].recall >= 0.80
    assert f["events_dated"] >= 13  # dates in agreement with the curator's (no more precise)
    assert f["quotes"].recall >= 0.95
    assert f["entities"].precision >= 0.70
    assert f["entities"].recall >= 0.90
    assert f["quotes_right_speaker"] >= 11
    assert f["terms"].recall >= 0.60


def test_the_third_article(third_figures):
    f = third_figures
    assert f["entities"].recall >= 0.90 and f["entities"].precision >= 0.70
    assert f["events"].recall >= 0.80 and f["events_dated"] >= 10
    assert f["quotes"].recall >= 0.95 and f["quotes_right_speaker"] == 5
    assert f["terms"].recall >= 0.60


def test_fifty_thousand_words_in_under_ten_seconds():
    source = (REPO / "seeds" / "000_5f9e32d0296bbd23.txt").read_text(encoding="utf-8").split("---\n", 2)[2]
    lines = [line for line in source.splitlines() if line.strip()]
    paragraphs, words, n = [], 0, 0
    while words < 50_000:  # the seed over and over, with names varied so the entities do not all merge
        line = lines[n % len(lines)].replace("Musk", f"Musk{n % 97}").replace("Putin", f"Putin{n % 89}")
        paragraphs.append(Paragraph(n + 1, line, n + 1))
        words += len(line.split())
        n += 1
    article = Article("big", "Big", "seeds/big.txt", "txt", tuple(paragraphs), Location("seeds/big.txt"),
                      published=parse_date("2024-10-28"))
    started = time.perf_counter()
    found = suggest(article, None)
    assert time.perf_counter() - started < 10
    assert len(found.entities) > 100 and found.quotes and found.events
