"""An entity named in many articles: its page quotes the articles that name it most, lists more
with their counts, and counts the rest with a link to search (issue 22), while the at-a-glance
figures still count every mention."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from helpers import Cli, parse

from explainer.pages import LISTED_ARTICLES, SNIPPET_ARTICLES

ARTICLES = LISTED_ARTICLES + 17


def _mentions(number: int) -> int:
    """How many paragraphs of article `number` name Ada Lovelace: 1 to 4, not in site order."""
    return 1 + (number * 7) % 4


def _write_seeds(project: Path) -> None:
    for number in range(ARTICLES):
        paragraphs = [f"Paragraph {p} of report {number} says Ada Lovelace read the notes." for p in range(_mentions(number))]
        paragraphs.append(f"Report {number} ends without naming anyone.")
        (project / "seeds" / f"report-{number:03d}.txt").write_text(
            f"---\ntitle: Report {number:03d}\nslug: report-{number:03d}\n---\n" + "\n".join(paragraphs) + "\n",
            encoding="utf-8")


def test_an_entity_in_many_articles_lists_the_most_and_sends_the_rest_to_search(project: Path, tmp_path: Path):
    _write_seeds(project)
    out = tmp_path / "out"
    result = Cli(project)("build", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = parse(out / "entities" / "ada-lovelace" / "index.html")
    section = page.css_first("section[aria-labelledby=mentions]")

    quoted = [h.text().strip() for h in section.css("h3") if h.text().strip() != "Also mentioned in"]
    listed = section.css("ul.more-mentions > li")
    assert len(quoted) == SNIPPET_ARTICLES
    assert len(quoted) + len(listed) == LISTED_ARTICLES

    # most mentions first, ties in site order (the mini article "engines" names her too)
    counts = {f"Report {n:03d}": _mentions(n) for n in range(ARTICLES)}
    counts_shown = [counts.get(title) for title in quoted]
    for item in listed:
        title = item.css_first("a").text()
        if title not in counts:  # the mini project's own article
            continue
        assert item.css_first(".count").text() == f"{counts[title]} mention{'s' if counts[title] != 1 else ''}"
        assert len(item.css("a.para-ref")) == counts[title]
        counts_shown.append(counts[title])
    known = [c for c in counts_shown if c is not None]
    assert known == sorted(known, reverse=True)

    more = section.css_first("p.more-elsewhere")
    total_articles = ARTICLES + 1  # the reports and the mini article
    assert more.text().startswith(f"And in {total_articles - LISTED_ARTICLES} more articles.")
    search = urlsplit(more.css_first("a").attributes["href"])
    assert search.path == "/search/" and parse_qs(search.query) == {"q": ["Ada Lovelace"]}
    assert (out / "search" / "index.html").is_file()

    facts = page.css_first("aside.facts").text(separator=" ")
    assert f"of {total_articles} articles" in facts
