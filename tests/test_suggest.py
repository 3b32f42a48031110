"""`build.py suggest`: the output is the content format, every excerpt and quote passes the build's
own verbatim check, ids follow `new`'s rules and are free, and --write appends without touching a
byte that was there."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.errors import Location, Problems
from explainer.link import locate_excerpt
from explainer.schema import ID_PATTERN
from explainer.suggest import load_inputs, slug_id, suggest
from helpers import REPO, Cli

SEED = REPO / "seeds" / "000_5f9e32d0296bbd23.txt"


def assert_verbatim(article, documents: list) -> int:
    """Run the build's verbatim check over every excerpt and quote of suggest's YAML output."""
    problems = Problems()
    articles = {article.slug: article}
    checked = 0
    entities, timeline, glossary, quotes = documents[:4]
    for entry in (timeline or []) + (glossary or []):
        for source in entry.get("sources", []):
            locate_excerpt(articles, source["seed"], source["excerpt"], Location("out"), "excerpt", problems)
            checked += 1
    for quote in quotes or []:
        locate_excerpt(articles, quote["seed"], quote["text"], Location("out"), "quote", problems)
        checked += 1
    assert not problems.errors, problems.errors
    return checked


def test_suggest_on_the_seed_is_the_content_format_and_verbatim():
    result = Cli(REPO)("suggest", str(SEED))
    assert result.exit_code == 0, result.output
    documents = list(yaml.safe_load_all(result.stdout))
    assert len(documents) == 4  # entities, timeline, glossary, quotes (no drift on the curated seed)
    article, library = load_inputs(REPO, SEED)
    assert assert_verbatim(article, documents) > 10
    taken = {e.id for e in library.entities} | {t.id for t in library.terms} | {e.id for e in library.events}
    for collection in documents[:3]:
        for entry in collection or []:
            assert re.match(ID_PATTERN, entry["id"]) and entry["id"] not in taken


def test_json_format_holds_every_group():
    result = Cli(REPO)("suggest", str(SEED), "--format", "json", "--min-count", "2")
    data = json.loads(result.stdout)
    assert {"entities", "events", "undated", "terms", "quotes", "drift"} <= set(data)
    speakers = {q["speaker"] for q in data["quotes"]}
    assert all(e["count"] >= 2 or e["id"] in speakers for e in data["entities"])
    musk = next(e for e in data["entities"] if e["name"] == "Elon Musk")
    assert musk["covered_by"] == "elon-musk" and "Musk" in musk["aliases"]


def test_ids_follow_new_rules():
    assert slug_id("Ana Kovač") == "ana-kovac"
    assert slug_id("U.S. Government") == "u-s-government"
    assert slug_id("!!!") == "entry"
    assert re.match(ID_PATTERN, slug_id("Zoë’s “café” — 2024"))


def test_write_appends_and_keeps_every_byte(tmp_path: Path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", project)
    seed = project / "seeds" / "engines.txt"
    before = {p.name: p.read_bytes() for p in (project / "content").glob("*.yaml")}
    cli = Cli(project)
    dry = cli("suggest", str(seed))
    assert dry.exit_code == 0, dry.output
    assert {p.name: p.read_bytes() for p in (project / "content").glob("*.yaml")} == before
    wrote = cli("suggest", str(seed), "--write")
    assert wrote.exit_code == 0, wrote.output
    for name, old in before.items():
        assert (project / "content" / name).read_bytes().startswith(old), name
    again = cli("suggest", str(seed))  # what was written now counts as curated
    assert again.exit_code == 0
    assert yaml.safe_load_all(again.stdout)


def test_a_seed_outside_the_project_is_a_usage_error(tmp_path: Path):
    outside = tmp_path / "x.txt"
    outside.write_text("Some text.\n", encoding="utf-8")
    result = Cli(REPO)("suggest", str(outside))
    assert result.exit_code == 2 and "inside the project" in result.output


def test_content_errors_are_located(tmp_path: Path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", project)
    (project / "content" / "entities.yaml").write_text("- id: Bad Id\n", encoding="utf-8")
    result = Cli(project)("suggest", str(project / "seeds" / "engines.txt"))
    assert result.exit_code == 1
    assert re.search(r"content/entities.yaml:\d+:\d+: error:", result.stderr)
    assert "Traceback" not in result.output


def test_drift_after_a_revision_names_the_nearest_passage(tmp_path: Path):
    project = tmp_path / "p"
    project.mkdir()
    for folder in ("content", "seeds"):
        shutil.copytree(REPO / folder, project / folder)
    seed = project / "seeds" / SEED.name
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("he personally ordered the deactivation", "he ordered the deactivation"),
                    encoding="utf-8")
    result = Cli(project)("suggest", str(seed), "--format", "json")
    assert result.exit_code == 0, result.output
    drift = json.loads(result.stdout)["drift"]
    crimea = [d for d in drift if "starlink-crimea-attack" in d["what"]]
    assert len(crimea) == 1 and re.match(r"content/timeline.yaml:\d+:\d+$", crimea[0]["where"])
    assert crimea[0]["nearest"].startswith("In September 2022, he ordered the deactivation")
    assert crimea[0]["paragraph"] == 9 and crimea[0]["hint"]
    assert all(d["excerpt"] not in text.replace("he personally ordered", "he ordered") for d in drift)


def test_names_that_share_a_surname_stay_apart():
    from explainer.errors import Location as Loc
    from explainer.model import Article, Paragraph

    body = ("Mayor Ana Kovač proposed it. Her brother Luka Kovač leads the union. Kovač said no.",
            "Marko Novak and Marko Novaković spoke. Novak agreed; Novaković did not.",
            "The European Investment Bank (EIB) lent money. The EIB said so.")
    article = Article("t", "T", "seeds/t.md", "md", tuple(Paragraph(n + 1, t, n + 1) for n, t in enumerate(body)),
                      Loc("seeds/t.md"))
    found = {e.name: e for e in suggest(article, None).entities}
    assert {"Ana Kovač", "Luka Kovač", "Marko Novak", "Marko Novaković"} <= set(found)
    assert "Kovač" in found and set(found["Kovač"].ambiguous_with) == {"Ana Kovač", "Luka Kovač"}
    assert found["Marko Novak"].aliases == ["Novak"] and found["Marko Novaković"].aliases == ["Novaković"]
    assert "EIB" in found["European Investment Bank"].aliases



def _article(*paragraphs: str, published: str | None = None):
    from explainer.dates import parse_date
    from explainer.errors import Location as Loc
    from explainer.model import Article, Paragraph

    return Article("t", "T", "seeds/t.md", "md", tuple(Paragraph(n + 1, t, n + 1) for n, t in enumerate(paragraphs)),
                   Loc("seeds/t.md"), published=parse_date(published) if published else None)


def test_names_with_a_lower_case_head_or_body():
    article = _article("The city council of Novo Mesto voted on the Zagreb–Split line. Novo Mesto will host the "
                       "Dolenjska festival, and the Labour party backed it.",
                       "Russian officials and the Taiwanese government said nothing. Musk’s company did not.")
    found = {e.name: e for e in suggest(article, None).entities}
    assert found["city council of Novo Mesto"].kind == "organization"
    assert found["Zagreb–Split line"].kind == "place"
    assert found["Dolenjska festival"].kind == "event"
    assert "Labour party" in found and "Novo Mesto" in found
    assert not {"Russian officials", "Taiwanese government", "Musk’s company", "Musk company"} & set(found)
    two = {e.name for e in suggest(_article("Spain’s Ministry for the Ecological Transition agreed. They flew "
                                            "rockets for SpaceX for the Pentagon."), None).entities}
    assert {"Ministry for the Ecological Transition", "SpaceX", "Pentagon"} <= two

DATE_PHRASES = ["in 2016", "In September 2022", "late 2022", "the 1990s", "24 October 2024", "October 24, 2024",
                "spring 2026", "next summer", "on Tuesday", "last week", "this week", "two years ago", "next year",
                "so far this year", "earlier this year", "in October", "on 31 February 2024", "yesterday",
                "1 July 2025", "since December 2016", "last month", "next month", "3 weeks ago"]


@settings(max_examples=150, deadline=None)
@given(phrases=st.lists(st.sampled_from(DATE_PHRASES), min_size=1, max_size=4),
       published=st.none() | st.sampled_from(["2024", "2024-10", "2025-06-12", "2024-12-31", "2025-01-01"]))
def test_every_suggested_date_is_edtf_and_no_more_precise_than_its_words(phrases, published):
    import edtf

    from explainer.dates import parse_date
    from explainer.errors import Location as Loc
    from explainer.model import Article, Paragraph

    text = " ".join(f"Something happened {phrase}." for phrase in phrases)
    article = Article("t", "T", "seeds/t.md", "md", (Paragraph(1, text, 1),), Loc("seeds/t.md"),
                      published=parse_date(published) if published else None)
    found = suggest(article, None)
    for event in found.events:
        edtf.parse_edtf(event.date)  # valid EDTF, and a shape the site displays
        date = parse_date(event.date)
        if date.precision == "day" and "/" not in event.date:
            assert re.search(r"\d|Tuesday|yesterday", event.phrase), event  # a day only where the words give one
        if published is None:
            assert re.search(r"\d{4}|\d0s", event.phrase), event  # nothing resolved without `published`
    assert len(found.events) + len(found.undated) >= len(set(phrases)) - phrases.count("on 31 February 2024")


def test_written_suggestions_are_valid_content_but_for_their_todos(tmp_path: Path):
    """After --write on the live project, `check` finds nothing wrong but the speakers left TODO
    (which it should: a desk must name them)."""
    project = tmp_path / "p"
    project.mkdir()
    for folder in ("content", "seeds"):
        shutil.copytree(REPO / folder, project / folder)
    cli = Cli(project)
    assert cli("suggest", str(project / "seeds" / SEED.name), "--write").exit_code == 0
    check = cli("check")
    errors = [line for line in check.stderr.splitlines() if ": error: " in line]
    assert all("'TODO'" in line for line in errors), errors


def test_jargon_in_plain_words():
    from explainer.suggest.jargon import jargon_terms

    text = ("Voters in the swing state of Pennsylvania heard Russian talking points. He holds a security clearance "
            "and runs a privately owned company with a constellation of satellites that broke the monopoly. "
            "Major contractors gave him a newly created position and donated terminals. It speeds up public contracts.")
    found = {t.term: t for t in jargon_terms({1: text})}
    assert {"swing state", "talking points", "security clearance", "privately owned company",
            "constellation of satellites", "monopoly"} <= set(found)
    assert not {"Major contractors", "newly created position", "donated terminals", "contractors",
                "up public contracts"} & set(found)
    for term in found.values():
        assert text[term.start:term.start + len(term.term)] == term.term  # the offset is the first use


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["the", "swing", "state", "of", "Pennsylvania", "security", "clearance", "points",
                                 "talking", "constellation", "satellites", "privately", "owned", "company", "China",
                                 "hawks", "monopoly", ",", ".", "“", "”", "-", "major", "legacy", "contractors"]),
                max_size=30))
def test_jargon_offsets_are_verbatim(tokens):
    from explainer.suggest.jargon import jargon_terms

    text = " ".join(tokens)
    for term in jargon_terms({1: text}):
        assert text[term.start:term.start + len(term.term)] == term.term


def test_statements_without_a_date_word_carry_only_what_the_tense_supports():
    article = _article("NASA administrator Bill Nelson called for an investigation of Musk’s ties.",
                       "Amazon is developing a competitor to Starlink known as Kuiper.",
                       "SpaceX will launch the satellites.",
                       "“Musk has done a lot right,” said David Burbach.",
                       "Musk was posting that Crimea, annexed by Russia in 2014, is Russian.",
                       "In 2016, SpaceX broke the monopoly held by ULA.",
                       published="2024-10-25/2024-11-04")
    statements = {u.paragraph: u for u in suggest(article, None).undated}
    assert statements[1].date == "../2024-11-04" and statements[1].phrase == "on or before publication"
    assert statements[2].date == "2024-10-25/2024-11-04" and statements[2].phrase == "as of publication"
    assert 3 not in statements and 4 not in statements  # a future statement; a quotation
    assert statements[5].date == "../2024-11-04"  # 2014 dates the clause between the commas, not the post
    assert 6 not in statements  # dated by its words
    rainfall = _article("Across the Canary Islands, rainfall this year has been the lowest, according to the CIWO.",
                        published="2025-09-18")
    assert not suggest(rainfall, None).undated  # "this year" is not in a clause set off by commas
    hearing = _article("The council will hold a hearing on 2 October.", published="2025-09-18")
    assert [(e.phrase, e.date) for e in suggest(hearing, None).events] == [("2 October", "2025-10-02")]
    no_published = _article("NASA administrator Bill Nelson called for an investigation of Musk’s ties.")
    assert not suggest(no_published, None).undated  # without `published` there is nothing to be relative to


def test_statements_are_listed_as_needing_a_date_and_never_written():
    from explainer.suggest.output import event_entries, to_yaml

    article = _article("NASA administrator Bill Nelson called for an investigation.", published="2024-11-01")
    found = suggest(article, None)
    text = to_yaml(found)
    assert "# needs a date: ¶1, the text says only on or before publication (../2024-11-01)" in text
    assert list(yaml.safe_load_all(text))[1] == [] and not event_entries(found)  # a comment; --write skips it


def test_word_frequencies_are_wordfreqs_without_the_package():
    import subprocess
    import sys

    from explainer.suggest.frequency import LIST, zipf

    assert zipf("the") == 7.73 and zipf("jamming") == 3.31 and zipf("eccentricities") == 0.0
    assert zipf("jamming-resistant") == 3.23 and zipf("pro-china") == 4.71  # parts combined as wordfreq does
    header = LIST.read_text(encoding="utf-8").split("\n", 12)[:10]
    assert any("Attribution-ShareAlike 4.0" in line for line in header) and any("SUBTLEX" in line for line in header)
    code = ("import sys; sys.modules['wordfreq'] = None\n"  # importing it now fails
            "from explainer.suggest import load_inputs, suggest\n"
            f"a, l = load_inputs(__import__('pathlib').Path({str(REPO)!r}), __import__('pathlib').Path({str(SEED)!r}))\n"
            "assert any(t.reason == 'rare' for t in suggest(a, None).terms)")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


STATEMENT_PIECES = ["Musk", " Musk", " NASA", " called", " has taken", " is developing", " will launch", " reportedly",
                    " the contract", ", annexed by Russia in 2014,", " in 2016", " on 2 October", " this year", ". ",
                    "“", "”", " said", " which", ", ", " Critics are", " convinced", " should", "\n"]


@settings(max_examples=40, deadline=None)
@given(pieces=st.lists(st.sampled_from(STATEMENT_PIECES) | st.text(max_size=6), max_size=30),
       published=st.sampled_from(["2024", "2024-10", "2025-09-18", "2024-10-25/2024-11-04"]))
def test_statements_are_verbatim_and_never_more_precise_than_publication(pieces, published):
    from explainer.dates import parse_date

    paragraphs = [p for p in "".join(pieces).split("\n") if p.strip()] or ["Musk called."]
    article = _article(*paragraphs, published=published)
    date = parse_date(published)
    for statement in suggest(article, None).undated:
        assert statement.excerpt in paragraphs[statement.paragraph - 1]
        assert statement.date in (None, f"../{date.latest.isoformat()}", published)


def test_speakers_named_by_the_text_itself():
    """A participle's speaker is its sentence's subject; a possessive description the text names
    ("Novak’s firm Alpen Rail") is that name; "the report" is the report the paragraph introduced."""
    article = _article(
        "Investors have long backed Novak’s firm Alpen Rail in its bids.",
        "Last spring, Novak’s firm withdrew from the tender, saying the terms were “unworkable for anyone.”",
        "A leaked internal review circulated in May. The review called the plan “a costly detour.”",
        "Ana Kovač spoke at length. Later, the union struck, saying it had been “left out.”")
    speakers = {q.text: q.speaker_words for q in suggest(article, None).quotes}
    assert speakers["unworkable for anyone"] == "Alpen Rail"
    assert speakers["a costly detour"] == "leaked internal review"
    assert speakers["left out"] != "Ana Kovač"  # not the last person named: the sentence's own subject, or nobody
