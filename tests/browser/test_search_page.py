"""The search page in a real browser: the relevance set (tests/search_relevance.yaml), filters by kind
and their URL state, no excerpt twice in a list, titles without their kind repeated, the hint's
examples, and the no-JavaScript path (lists that hold everything search finds)."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from playwright.sync_api import expect
from selectolax.lexbor import LexborHTMLParser

from browser_support import REPO, load_yaml

RELEVANCE = yaml.safe_load((REPO / "tests" / "search_relevance.yaml").read_text(encoding="utf-8"))


def results_for(page, text: str) -> list[str]:
    """Type a query like a reader; the paths of the results shown once they have all loaded."""
    page.fill("#search-input", text)
    page.wait_for_function(
        """q => { const s = document.querySelector('#search-status').textContent;
                  return s.includes('for “' + q + '”') && !document.querySelector('.search-loading'); }""",
        arg=text.strip())
    return [urlsplit(h).path for h in page.locator("#search-results > li > h2 > a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))")]


def test_the_relevance_set(page, base_url):
    page.goto(base_url + "/search/")
    misses = []
    for case in RELEVANCE:
        top = results_for(page, case["query"])[:case["within"]]
        if case["expect"] not in top:
            misses.append((case["category"], case["query"], case["expect"], top))
    assert len(RELEVANCE) >= 25 and not misses, f"{len(misses)} of {len(RELEVANCE)} missed: {misses}"


def test_filters_by_kind_with_counts_kept_in_the_url(page, base_url):
    page.goto(base_url + "/search/?q=Starlink&kind=Person")
    expect(page.locator("#search-input")).to_have_value("Starlink")
    choices = page.locator("#search-kinds label")
    expect(page.locator('#search-kinds input[value="Person"]')).to_be_checked()
    status = page.locator("#search-status")
    expect(status).to_contain_text("Person only")
    counts = {c.locator("input").get_attribute("value"): int(re.search(r"\((\d+)\)", c.inner_text())[1])
              for c in choices.all()}
    assert counts[""] == sum(n for kind, n in counts.items() if kind) > counts["Person"] > 0
    kinds = page.locator("#search-results .search-kind")
    expect(kinds).to_have_count(counts["Person"])
    assert set(kinds.all_inner_texts()) == {"Person"}
    # Another kind: the list, the count and the address follow; a reload keeps them.
    page.locator('#search-kinds input[value="Organization"]').check()
    expect(kinds).to_have_count(counts["Organization"])
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Starlink"], "kind": ["Organization"]}
    page.reload()
    expect(page.locator('#search-kinds input[value="Organization"]')).to_be_checked()
    expect(kinds).to_have_count(counts["Organization"])
    page.locator('#search-kinds input[value=""]').check()
    expect(page.locator("#search-results > li")).to_have_count(min(10, counts[""]))
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Starlink"]}


def test_no_excerpt_twice_and_no_kind_repeated(page, base_url):
    page.goto(base_url + "/search/")
    for text in ("Starlink", "Taiwan", "Pentagon", "Ukraine", "satellite internet"):
        results_for(page, text)
        more = page.locator("#search-more")
        while more.is_visible():
            shown = page.locator("#search-results > li").count()
            more.click()
            expect(page.locator("#search-results > li")).not_to_have_count(shown)
        page.wait_for_function("() => !document.querySelector('.search-loading')")
        excerpts = page.locator(".search-excerpt, .search-passages li").all_inner_texts()
        assert len(excerpts) == len(set(excerpts)), (text, [e for e in excerpts if excerpts.count(e) > 1])
        for heading in page.locator("#search-results > li > h2").all():
            title = heading.locator("a").inner_text()
            kinds = heading.locator(".search-kind").all_inner_texts()
            assert title.lower() not in (k.lower() for k in kinds), (text, title)  # no "Timeline Timeline"


def test_an_entity_s_summary_is_its_excerpt_when_it_holds_the_words(page, base_url):
    page.goto(base_url + "/search/")
    results_for(page, "Pentagon")
    first = page.locator("#search-results > li").first
    expect(first.locator("h2 a")).to_have_attribute("href", "/entities/department-of-defense/")
    summary = next(e["summary"] for e in load_yaml("entities.yaml") if e["id"] == "department-of-defense")
    expect(first.locator(".search-excerpt")).to_have_text(summary)
    expect(first.locator(".search-excerpt mark")).to_have_text("Pentagon")


def test_a_verbatim_phrase_puts_its_passage_first(page, base_url):
    page.goto(base_url + "/search/")
    results_for(page, "denial of service")
    first = page.locator("#search-results > li").first
    link = first.locator(".search-excerpt a")
    phrase = re.compile(r"denial\W+of\W+service", re.IGNORECASE)  # ("denial-of-service" is the same words)
    expect(link).to_contain_text(phrase)
    assert phrase.search(" ".join(first.locator(".search-excerpt mark").all_inner_texts()))
    path = urlsplit(link.get_attribute("href"))
    html = LexborHTMLParser(page.request.get(base_url + path.path).text())
    assert phrase.search(html.css_first(f"#{path.fragment}").parent.text()), path  # (the passage, or its heading's)


def test_the_hint_s_examples_hold(page, base_url):
    page.goto(base_url + "/search/")
    hint = page.locator("#search-help").inner_text()
    examples = re.findall(r"“(\w+)” finds “(\w+)”", hint)
    assert len(examples) >= 2, hint
    for typed, found in examples:
        results_for(page, typed)
        marks = {m.lower().strip(".,;:“”’") for m in page.locator("#search-results mark").all_inner_texts()}
        assert any(m.startswith(found) for m in marks), (typed, found, marks)


def test_without_javascript_the_lists_hold_everything_search_finds(built_site: Path):
    """The no-JS directions send the reader to these lists, to search them with the browser's Find."""
    def text(path: str) -> str:
        return " ".join(LexborHTMLParser((built_site / path / "index.html").read_text()).css_first("main").text().split())
    people, glossary, timeline = text("entities"), text("glossary"), text("timeline")
    assert all(e["name"] in people for e in load_yaml("entities.yaml") if not e.get("draft"))
    assert all(t["term"] in glossary for t in load_yaml("glossary.yaml") if not t.get("draft"))
    assert all(" ".join(e["title"].split()) in timeline for e in load_yaml("timeline.yaml") if not e.get("draft"))
    search = LexborHTMLParser((built_site / "search" / "index.html").read_text())
    hrefs = {a.attributes["href"] for a in search.css("#search-nojs a")}
    assert {"/entities/", "/glossary/", "/timeline/", "/articles/"} <= hrefs
