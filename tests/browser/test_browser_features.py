"""Reader features in a real browser: preview cards, the timeline filter, search, no-JS fallbacks,
reduced motion and print."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect
from selectolax.lexbor import LexborHTMLParser

from browser_support import ARTICLE, card_data, load_yaml
from explainer.search import term_file, words

CARD = "#preview-card"


def boxes_overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def settle(page) -> None:
    """Wait until the page stops scrolling (focus and hover scroll smoothly when motion is allowed)."""
    page.evaluate("""() => new Promise(done => {
        let last = -1, still = 0;
        const tick = () => {
            still = (scrollX + ',' + scrollY) === last ? still + 1 : 0;
            last = scrollX + ',' + scrollY;
            still >= 3 ? done() : requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
    })""")


def hover(page, link) -> None:
    """Hover a link once it is in view and the page is still: a smooth scroll still running under the
    pointer would move the link away from it (a real mouseleave) and make the test flaky."""
    link.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    settle(page)
    link.hover()


def assert_card_placed(page, link, width: int) -> None:
    """The open card neither covers its link nor leaves the viewport (both measured in one frame)."""
    expect(page.locator(CARD)).to_be_visible()
    settle(page)
    cbox, lbox, vp = link.evaluate("""link => {
        const box = el => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; };
        return [box(document.getElementById('preview-card')), box(link),
                {width: document.documentElement.clientWidth, height: window.innerHeight}];
    }""")
    where = f"at {width}px, link {link.get_attribute('data-card')} {lbox}, card {cbox}"
    assert not boxes_overlap(cbox, lbox), f"the card covers its link {where}"
    assert cbox["x"] >= 0 and cbox["x"] + cbox["width"] <= vp["width"], f"the card leaves the viewport sideways {where}"
    assert cbox["y"] >= 0 and cbox["y"] + cbox["height"] <= vp["height"], f"the card leaves the viewport vertically {where}"


def assert_card_shows(page, link, cards: dict) -> None:
    key = link.get_attribute("data-card")
    data = cards[key]
    card = page.locator(CARD)
    expect(card).to_be_visible()
    expect(card).to_have_attribute("role", "tooltip")
    expect(card.locator(".preview-name")).to_have_text(data["name"])
    expect(card.locator(".preview-summary")).to_have_text(data["summary"])
    expect(card.locator(".preview-kind")).to_have_text(data["kind"])
    expect(card.locator("a.preview-more")).to_have_attribute("href", data["href"])
    expect(link).to_have_attribute("aria-describedby", "preview-card")


def test_preview_card_hover_focus_escape(page, base_url):
    page.goto(base_url + ARTICLE)
    cards = card_data(page)
    link = page.locator('.article-body a.xref[data-card="entity:elon-musk"]').first
    musk = next(e for e in load_yaml("entities.yaml") if e["id"] == "elon-musk")
    assert cards["entity:elon-musk"]["summary"] == musk["summary"].strip()
    assert cards["entity:elon-musk"]["name"] == musk["name"]

    # Hover: the card opens after a short delay, with the entity's name and summary.
    expect(page.locator(CARD)).to_be_hidden()
    hover(page, link)
    assert_card_shows(page, link, cards)
    expect(page.locator(CARD + " .preview-summary")).to_have_text(musk["summary"].strip())
    page.keyboard.press("Escape")
    expect(page.locator(CARD)).to_be_hidden()
    expect(link).not_to_have_attribute("aria-describedby", "preview-card")

    # Moving the mouse away closes it too (the mouse is still on the link: leave and come back).
    page.mouse.move(0, 0)
    hover(page, link)
    expect(page.locator(CARD)).to_be_visible()
    page.mouse.move(0, 0)
    expect(page.locator(CARD)).to_be_hidden()

    # Leaving and coming back within the hide delay (250 ms) keeps the card (regression: the pending
    # hide used to cancel the new show).
    hover(page, link)
    expect(page.locator(CARD)).to_be_visible()
    page.mouse.move(0, 0)
    page.wait_for_timeout(120)
    link.hover()
    page.wait_for_timeout(400)
    expect(page.locator(CARD)).to_be_visible()

    # The pointer can travel from the link onto the card, and the card's link opens the page.
    more = page.locator(CARD + " a.preview-more")
    more.hover()
    page.wait_for_timeout(400)
    expect(page.locator(CARD)).to_be_visible()
    page.mouse.move(0, 0)
    expect(page.locator(CARD)).to_be_hidden()

    # A glossary term gets a term card.
    term = page.locator(".article-body a.xref-term[data-card]").first
    hover(page, term)
    assert_card_shows(page, term, cards)
    assert cards[term.get_attribute("data-card")]["kind"] == "Term"
    page.keyboard.press("Escape")
    expect(page.locator(CARD)).to_be_hidden()
    page.mouse.move(0, 0)  # Escape dismissed it while the pointer stayed on the link: leave, come back
    hover(page, term)
    target = cards[term.get_attribute("data-card")]["href"]  # /glossary/#term-…
    page.locator(CARD + " a.preview-more").click()
    page.wait_for_url("**" + target)


def test_preview_card_keyboard(page, base_url):
    page.goto(base_url + ARTICLE)
    cards = card_data(page)
    # Real keyboard navigation: Tab from the top of the page to the first link with a card.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a[data-card]')"):
            break
    else:
        pytest.fail("no a[data-card] reached with Tab")
    link = page.locator("a[data-card]:focus")
    assert_card_shows(page, link, cards)
    assert_card_placed(page, link, 1280)
    # The card's description is what a screen reader announces with the link.
    described = page.evaluate("() => document.getElementById(document.activeElement.getAttribute('aria-describedby')).textContent")
    assert cards[link.get_attribute("data-card")]["summary"] in described
    page.keyboard.press("Escape")
    expect(page.locator(CARD)).to_be_hidden()
    expect(link).to_be_focused()
    # Tabbing on moves the card to the next card link.
    page.keyboard.press("Tab")
    nxt = page.locator(":focus")
    if nxt.get_attribute("data-card"):
        assert_card_shows(page, nxt, cards)


@pytest.mark.parametrize("width", [390, 1280])
def test_preview_card_placement(browser, base_url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = ctx.new_page()
        page.goto(base_url + ARTICLE)
        cards = card_data(page)
        links = page.locator(".article-body a.xref[data-card]")
        count = links.count()
        assert count > 20
        # A spread of links (start, middle, end of the article; left and right edges of lines).
        sample = sorted({0, 1, 2, count // 3, count // 2, (2 * count) // 3, count - 2, count - 1})
        for i in sample:
            link = links.nth(i)
            link.scroll_into_view_if_needed()
            link.focus()
            assert_card_shows(page, link, cards)
            assert_card_placed(page, link, width)
            page.keyboard.press("Escape")
            expect(page.locator(CARD)).to_be_hidden()
        # A link at the very bottom of the viewport: the card flips above it, still inside the viewport.
        link = links.nth(count // 2)
        link.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().bottom - window.innerHeight + 4)")
        page.evaluate("() => document.activeElement.blur()")
        link.focus()
        assert_card_placed(page, link, width)
    finally:
        ctx.close()


def test_preview_card_touch(browser, base_url):
    ctx = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    try:
        page = ctx.new_page()
        page.goto(base_url + ARTICLE)
        link = page.locator('.article-body a.xref[data-card="entity:elon-musk"]').first
        link.tap()
        expect(page.locator(CARD)).to_be_visible()
        assert page.url.endswith(ARTICLE), "the first tap must open the card, not navigate"
        page.locator(CARD + " a.preview-more").tap()
        page.wait_for_url("**/entities/elon-musk/")
    finally:
        ctx.close()


# ---------- Timeline filter ---------------------------------------------------------------------


def visible_events(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('.timeline li.event')]
        .filter(li => li.checkVisibility()).map(li => li.querySelector('.event-title').id)""")


def expected_events(page, entity: str = "", kind: str = "") -> list[str]:
    return page.evaluate("""([entity, kind]) => [...document.querySelectorAll('.timeline li.event')]
        .filter(li => (!entity || li.dataset.entities.split(' ').includes(entity)) && (!kind || li.dataset.kind === kind))
        .map(li => li.querySelector('.event-title').id)""", [entity, kind])


def query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_timeline_filter(page, base_url):
    page.goto(base_url + "/timeline/")
    form = page.locator("form#timeline-filter")
    expect(form).to_be_visible()  # unhidden by the script
    everything = visible_events(page)
    assert len(everything) >= 10 and everything == expected_events(page)

    entity = "elon-musk"
    wanted = expected_events(page, entity)
    assert 0 < len(wanted) < len(everything), "pick an entity that narrows the timeline"
    page.select_option("#filter-entity", entity)
    assert visible_events(page) == wanted
    assert query(page) == {"entity": entity}
    expect(page.locator(".filter-status")).to_have_text(f"Showing {len(wanted)} of {len(everything)} events.")
    # Years with no remaining event are hidden too.
    empty_years = page.evaluate("""() => [...document.querySelectorAll('.timeline section.year')]
        .filter(s => s.checkVisibility() && !s.querySelector('li.event:not([hidden])')).length""")
    assert empty_years == 0

    # The state survives a reload (it lives in the URL).
    page.reload()
    expect(page.locator("#filter-entity")).to_have_value(entity)
    assert visible_events(page) == wanted

    # Kind narrows further; both end up in the URL.
    kinds = page.locator("#filter-kind option").evaluate_all("os => os.map(o => o.value).filter(Boolean)")
    kind = next(k for k in kinds if 0 < len(expected_events(page, entity, k)) < len(wanted))
    page.select_option("#filter-kind", kind)
    assert visible_events(page) == expected_events(page, entity, kind)
    assert query(page) == {"entity": entity, "kind": kind}

    # Kind alone.
    page.select_option("#filter-entity", "")
    assert visible_events(page) == expected_events(page, "", kind)
    assert query(page) == {"kind": kind}

    # Reset shows everything and clears the URL.
    page.get_by_role("button", name="Show all").click()
    expect(page.locator("#filter-kind")).to_have_value("")
    page.wait_for_function("() => location.search === ''")
    assert visible_events(page) == everything
    expect(page.locator(".filter-status")).to_be_hidden()


def test_timeline_filter_from_url(page, base_url):
    page.goto(base_url + "/timeline/?entity=ian-bremmer")
    expect(page.locator("#filter-entity")).to_have_value("ian-bremmer")
    assert visible_events(page) == expected_events(page, "ian-bremmer") != []
    # An unknown value is ignored rather than hiding everything.
    page.goto(base_url + "/timeline/?entity=nobody-at-all")
    expect(page.locator("#filter-entity")).to_have_value("")
    assert visible_events(page) == expected_events(page)


# ---------- Search --------------------------------------------------------------------------------


def search_for(page, text: str):
    page.fill("#search-input", text)
    status = page.locator("#search-status")
    expect(status).to_have_text(re.compile(r"^(\d+ results? for|No results for) “" + re.escape(text) + "”"))
    return status


def test_search_finds_entity_and_article(page, base_url):
    bremmer = next(e for e in load_yaml("entities.yaml") if e["name"] == "Ian Bremmer")
    page.goto(base_url + "/search/")
    status = search_for(page, "Bremmer")
    total = int(status.inner_text().split()[0])
    results = page.locator("#search-results > li.search-result")
    titles = page.locator("#search-results > li.search-result > h2 > a")
    more = page.locator("#search-more")
    while more.is_visible():  # ten at a time
        shown = results.count()
        more.click()
        expect(results).not_to_have_count(shown)
        # focus moves to the first new result, so a keyboard user carries on from there
        expect(titles.nth(shown)).to_be_focused()
    expect(titles).to_have_count(total)  # every result's title has loaded
    found = {urlsplit(a.get_attribute("href")).path: a for a in titles.all()}
    entity_url = f"/entities/{bremmer['id']}/"
    assert entity_url in found and ARTICLE in found, list(found)
    # The entity's own page ranks first: its name is its title.
    assert urlsplit(titles.first.get_attribute("href")).path == entity_url
    assert found[entity_url].inner_text() == "Ian Bremmer"
    # Each result says what kind of page it is.
    kind = found[entity_url].locator("xpath=following-sibling::span[contains(@class, 'search-kind')]")
    expect(kind).to_have_text(bremmer["kind"].capitalize())
    article_kind = found[ARTICLE].locator("xpath=following-sibling::span[contains(@class, 'search-kind')]")
    expect(article_kind).to_have_text("Article")
    # The excerpt marks the word searched for; the article's hits link to their paragraphs.
    article_result = results.filter(has=page.locator(f'h2 > a[href="{ARTICLE}"]'))
    marks = article_result.locator("mark")
    assert marks.count() >= 1 and all(m.lower().startswith("bremmer") for m in marks.all_inner_texts())
    passages = article_result.locator(".search-excerpt a, .search-passages a")
    hrefs = passages.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    ids = {n.attributes["id"] for n in LexborHTMLParser(page.request.get(base_url + ARTICLE).text()).css("[id]")}
    assert hrefs and all(urlsplit(h).path == ARTICLE and urlsplit(h).fragment in ids for h in hrefs), hrefs
    # A result opens its page.
    found[entity_url].click()
    page.wait_for_url("**" + entity_url)
    expect(page.locator("h1")).to_have_text("Ian Bremmer")


def test_search_query_in_url(page, base_url):
    page.goto(base_url + "/search/?q=Starlink")
    expect(page.locator("#search-input")).to_have_value("Starlink")
    expect(page.locator('#search-results h2 > a[href="/entities/starlink/"]')).to_be_visible()
    # Typing updates the address, so a search can be shared or bookmarked.
    search_for(page, "security clearance")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["security clearance"]


def test_search_prefixes_diacritics_and_no_results(page, base_url):
    page.goto(base_url + "/search/")
    # A word finds longer words it begins: "clearan" finds "clearance".
    status = search_for(page, "clearan")
    assert int(status.inner_text().split()[0]) >= 1
    expect(page.locator("#search-results mark").first).to_have_text(re.compile(r"^clearan", re.IGNORECASE))
    # Accents do not matter, either way round.
    plain = int(search_for(page, "Kremlin").inner_text().split()[0])
    assert int(search_for(page, "Krémlin").inner_text().split()[0]) == plain
    # Every word must be on the page.
    search_for(page, "Starlink zzqxv")
    expect(page.locator("#search-results > li")).to_have_count(0)
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^No results for “Starlink zzqxv”\. Every word must be on the page"))
    # A single letter is not searched.
    page.fill("#search-input", "x")
    expect(page.locator("#search-status")).to_have_text("Type at least two letters or digits.")


TRICKY = ["Musk’s “Starlink”", "Zürich émigré", "ﬁnance Ⅻ ½", "İstanbul straße", "東京 Москва ١٢٣",
          "x_y a-b c.d", "naïve café 🙂", "ǅemal ᾈ", "\u0301e\u0301", "0𝕬 𝕬𝕭"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=("Cs", "Co", "Cn")), max_size=24))
def test_search_script_splits_words_as_the_index_does(page, base_url, text):
    if "/search/" not in page.url:
        page.goto(base_url + "/search/")
        page.wait_for_function("() => window.explainerSearch")
    for sample in [text] + TRICKY:
        got = page.evaluate("t => { const w = window.explainerSearch.words(t);"
                            " return [w, w.map(window.explainerSearch.termFile)]; }", sample)
        assert got == [words(sample), [term_file(w) for w in words(sample)]], sample


# ---------- Without JavaScript ----------------------------------------------------------------------


def test_without_javascript(browser, base_url):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        page.goto(base_url + ARTICLE)
        hrefs = page.locator(".article-body a.xref").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert hrefs and all(h.startswith(("/entities/", "/glossary/#term-")) for h in hrefs), hrefs
        link = page.locator('.article-body a.xref[data-card="entity:elon-musk"]').first
        link.click()
        page.wait_for_url("**/entities/elon-musk/")
        expect(page.locator("h1")).to_have_text("Elon Musk")
        # A permalink goes to its paragraph.
        page.goto(base_url + ARTICLE)
        page.locator("#p3 a.permalink").click()
        assert page.url.endswith("#p3")
        expect(page.locator("#preview-card")).to_have_count(0)

        page.goto(base_url + "/timeline/")
        expect(page.locator("form#timeline-filter")).to_be_hidden()
        events = page.locator(".timeline li.event")
        assert events.count() == len(load_yaml("timeline.yaml"))
        for i in range(events.count()):
            expect(events.nth(i)).to_be_visible()

        # The search form leads to the lists of everything, each searchable with the browser's Find
        # (tests/browser/test_search_page.py checks the lists hold every entity, term and event).
        page.goto(base_url + "/search/")
        page.fill("#search-input", "Starlink")
        page.press("#search-input", "Enter")
        page.wait_for_url("**/search/?q=Starlink")
        directions = page.locator("#search-nojs")
        expect(directions).to_be_visible()
        expect(directions).to_contain_text("with JavaScript")
        expect(page.locator("#search-help")).to_be_hidden()  # it describes what the script does
        fallback = directions.get_by_role("link", name=re.compile("who’s who", re.I))
        expect(fallback).to_be_visible()
        for href in ("/entities/", "/glossary/", "/timeline/"):
            expect(page.locator(f'main a[href$="{href}"]').first).to_be_visible()
    finally:
        ctx.close()


# ---------- Reduced motion and print ------------------------------------------------------------------


def test_reduced_motion_and_print(page, base_url):
    page.goto(base_url + ARTICLE)
    scroll = "() => getComputedStyle(document.documentElement).scrollBehavior"
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(scroll) == "smooth"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(scroll) == "auto"

    nav = page.locator(".site-header nav")
    expect(nav).to_be_visible()
    page.emulate_media(media="print")
    expect(nav).to_be_hidden()
    expect(page.locator(".article-body")).to_be_visible()
    page.emulate_media(media="screen")
    expect(nav).to_be_visible()


def test_glossary_search_link_finds_the_articles_the_glossary_leaves_out(page, hub_url):
    """On a site of many articles the glossary names a few articles per term; its link to search
    must open the search page with the term and list pages beyond those few."""
    page.goto(hub_url + "/glossary/")
    uses = page.locator("h3#term-algorithm").locator("xpath=..").locator("div.uses")
    named = {href for href in uses.locator("li > a:first-child").evaluate_all("links => links.map(a => a.pathname)")}
    uses.locator("a[href^='/search/?q=']").click()
    expect(page.locator("#search-input")).to_have_value("algorithm")
    results = page.locator("#search-results > li.search-result > h2 > a")
    expect(results.first).to_be_visible()
    # Each result fills in when its page file arrives: wait for the whole first batch, not one.
    expect(page.locator("#search-results .search-loading")).to_have_count(0)
    found = set(results.evaluate_all("links => links.map(a => a.pathname)"))
    assert any(path.startswith("/articles/hub-") for path in found - named), found
