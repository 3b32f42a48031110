"""A large glossary is a page per letter and a large timeline a page per decade or year (issue 22:
at 20,000 articles the glossary was one 2.7 MB page and the timeline 1.1 MB), with low limits
passed in here: every term and event is on exactly one page, every link to it (auto-links,
see-also, entity pages, /data/, the sitemap) goes to that page's anchor, the first page lists
them all under their old anchors, and the preview adds and removes pages as a clean build does."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SPLIT_LIMITS, SPLIT_TERMS, SPLIT_YEARS, build_split_site, parse, split_project, tree_hash

from explainer.engine import BuildOptions
from explainer.pipeline import build
from explainer.reuse.session import Session
from explainer.sections import timeline_sections

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_split_site(tmp_path_factory.mktemp("split"))


def _anchors_on(page) -> set[str]:
    return {node.attributes["id"] for node in page.css("[id]")}


def test_every_term_is_on_its_letter_page_and_listed_on_the_first(site: Path):
    index = parse(site / "glossary" / "index.html")
    assert index.css_first("h1").text() == "Glossary"
    listed = {li.attributes["id"]: li.css_first("a").attributes["href"] for li in index.css("li[data-forward]")}
    expected = {f"term-{ident}": f"/glossary/{page}/#term-{ident}" for ident, _, page in SPLIT_TERMS}
    expected["term-algorithm"] = "/glossary/a/#term-algorithm"
    assert listed == expected
    # the letters in the glossary's order, the page of other initials last
    assert [a.text() for a in index.css("nav.jump a")] == ["A", "B", "C", "W", "#"]
    for term_id, href in listed.items():
        path, anchor = href.split("#")
        page = parse(site / path.strip("/") / "index.html")
        assert anchor in _anchors_on(page)
        # each term on one page only
        assert sum(term_id in _anchors_on(parse(p)) for p in (site / "glossary").glob("*/index.html")) == 1
    letter_a = parse(site / "glossary" / "a" / "index.html")
    assert letter_a.css_first("h1").text() == "Glossary: A"
    assert letter_a.css_first("nav.jump a[aria-current=page]").text() == "A"
    assert [h.text() for h in letter_a.css("h3")] == ["abacus", "algorithm"]
    assert parse(site / "glossary" / "other" / "index.html").css_first("h1").text() == "Glossary: other initials"


def test_links_to_terms_and_events_go_to_their_pages(site: Path):
    article = parse(site / "articles" / "engines" / "index.html")
    hrefs = {a.attributes["href"] for a in article.css("a.xref-term")}
    assert {"/glossary/a/#term-abacus", "/glossary/c/#term-cam", "/glossary/w/#term-weave"} <= hrefs
    assert not any(h.startswith("/glossary/#") for h in hrefs)
    cam = parse(site / "glossary" / "c" / "index.html").css_first(".see-also a")
    assert cam.attributes["href"] == "/glossary/a/#term-algorithm"
    entity = parse(site / "entities" / "ada-lovelace" / "index.html")
    events = [a.attributes["href"] for a in entity.css("a[href*='#event-']")]
    assert events and all(h.startswith("/timeline/18") and "/#event-" in h for h in events)
    terms = json.loads((site / "data" / "glossary.json").read_text(encoding="utf-8"))["terms"]
    assert {t["id"]: t["url"] for t in terms}["weave"].endswith("/glossary/w/#term-weave")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/glossary/other/</loc>" in sitemap and "/timeline/1830s/</loc>" in sitemap


def test_every_event_is_on_its_period_page_with_a_filter_among_them(site: Path):
    index = parse(site / "timeline" / "index.html")
    listed = {li.attributes["id"]: li.css_first("a").attributes["href"] for li in index.css("li[data-forward]")}
    assert len(listed) == len(SPLIT_YEARS) + 2
    assert [a.text() for a in index.css("nav.jump a")] == ["1800s", "1820s", "1830s", "1840s"]
    for event_id, href in listed.items():
        path, anchor = href.split("#")
        assert anchor == event_id and anchor in _anchors_on(parse(site / path.strip("/") / "index.html"))
    page = parse(site / "timeline" / "1830s" / "index.html")
    assert page.css_first("h1").text() == "Timeline: 1830s"
    assert [h.attributes["id"] for h in page.css("h3.event-title")] == ["event-loom-1834", "event-engine-designed"]
    assert "events of 1830s" in page.css_first("p.meta").text()
    # the filter offers what this page's events involve, and their kinds
    options = [o.attributes["value"] for o in page.css("#filter-entity option")]
    assert options == ["", "ada-lovelace", "charles-babbage"]


def test_a_decade_over_the_limit_splits_the_timeline_by_year():
    class Date:
        def __init__(self, year):
            self.year = year

    class Event:
        def __init__(self, ident, year):
            self.id, self.date = ident, Date(year)

    events = tuple(Event(f"e{n}", year) for n, year in enumerate([1990, 1991, 1991, 1992, 2001]))
    sections, where = timeline_sections(events, 3)
    assert [s.key for s in sections] == ["1990", "1991", "1992", "2001"] and where["e2"] == "1991"
    assert timeline_sections(events, 5) == ((), {})


def test_the_small_site_stays_on_one_page(tmp_path: Path):
    out = tmp_path / "site"
    build(BuildOptions(root=split_project(tmp_path), out=out, jobs=1))
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("glossary/**/*.html")) == ["glossary/index.html"]
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("timeline/**/*.html")) == ["timeline/index.html"]
    assert parse(out / "glossary" / "index.html").css_first("li[data-forward]") is None


def test_the_preview_moves_an_event_to_a_new_page_as_a_build_does(tmp_path: Path):
    project = split_project(tmp_path)
    options = dict(fingerprint=False, search=False, jobs=1, page_limits=SPLIT_LIMITS)
    session = Session(BuildOptions(root=project, out=tmp_path / "site", **options))
    session.build_all()
    timeline = project / "content" / "timeline.yaml"
    timeline.write_text(timeline.read_text(encoding="utf-8").replace('"1822"', '"1795"'), encoding="utf-8")
    session.rebuild({timeline})
    build(BuildOptions(root=project, out=tmp_path / "fresh", **options))
    assert (tmp_path / "site" / "timeline" / "1790s" / "index.html").is_file()
    assert not (tmp_path / "site" / "timeline" / "1820s").exists()
    assert tree_hash(tmp_path / "site") == tree_hash(tmp_path / "fresh")
