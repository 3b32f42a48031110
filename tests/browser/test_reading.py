"""Reading comfort in a real browser: how many links the article carries, where the margin notes
sit, the header's height on a phone, the faceted timeline filter and when preview cards open."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_support import ARTICLE, PAGES

CARD = "#preview-card"
# The paragraph's own block (a <p>, or a list or quote in a markdown seed), not its ¶ or its aside.
PARAGRAPH_TEXT = ".article-body .para > :not(.permalink):not(.para-aside)"


def test_article_links_at_most_one_per_30_words_and_4_per_paragraph(page, base_url):
    page.goto(base_url + ARTICLE)
    rows = page.locator(PARAGRAPH_TEXT).evaluate_all(
        "els => els.map(el => [el.innerText.split(/\\s+/).filter(Boolean).length, el.querySelectorAll('a.xref').length])")
    words, links = sum(w for w, _ in rows), sum(n for _, n in rows)
    assert words > 1000 and links > 20, (words, links)
    assert max(n for _, n in rows) <= 4, [n for _, n in rows]
    assert links <= words / 30 + 1, f"{links} links in {words} words"
    # the article's links are all automatic (the quiet kind: a plain-text seed has no [[links]]),
    # and every one still has a card
    assert page.locator(".article-body .para > p a.xref:not(.xref-auto)").count() == 0
    assert page.locator(".article-body .para > p a.xref-auto:not([data-card])").count() == 0


def _boxes(page, para_id: str):
    return page.evaluate("""id => {
        const para = document.getElementById(id), box = el => el.getBoundingClientRect().toJSON();
        return [box(para.querySelector(':scope > p')), box(para.querySelector(':scope > .para-aside'))];
    }""", para_id)


@pytest.mark.parametrize("width", [1280, 390])
def test_notes_sit_beside_their_paragraph_when_wide_and_below_it_when_narrow(browser, base_url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(base_url + ARTICLE)
        with_notes = page.locator(".para:has(> .para-aside .note)").evaluate_all("els => els.map(el => el.id)")
        assert len(with_notes) >= 5
        page.wait_for_function("() => document.fonts.status === 'loaded'")
        page.wait_for_timeout(100)
        previous_bottom = None
        for para_id in page.locator(".para:has(> .para-aside)").evaluate_all("els => els.map(el => el.id)"):
            text, aside = _boxes(page, para_id)
            if width >= 1100:  # in the margin: right of the text, level with it or (below a long one) lower
                assert aside["left"] >= text["right"] + 16, (para_id, text, aside)
                assert aside["right"] <= width, (para_id, aside)
                assert aside["top"] >= text["top"] - 8, (para_id, text, aside)
                if previous_bottom is None:
                    assert abs(aside["top"] - text["top"]) <= 24, (para_id, text, aside)
                else:  # never over the aside above
                    assert aside["top"] >= previous_bottom, (para_id, previous_bottom, aside)
                previous_bottom = page.locator(f"#{para_id} > .para-aside > :last-child").evaluate(
                    "el => el.getBoundingClientRect().bottom")
            elif para_id in with_notes:  # inline: below the text, in the same column
                assert aside["top"] >= text["bottom"] - 12, (para_id, text, aside)
                assert abs(aside["left"] - text["left"]) <= 2, (para_id, text, aside)
        # the notes never push the text apart: the space between paragraphs stays the same
        gaps = page.locator(".article-body .para > p").evaluate_all(
            "ps => ps.slice(1).map((p, i) => p.getBoundingClientRect().top - ps[i].getBoundingClientRect().bottom)")
        assert max(gaps) <= 40 if width >= 1100 else True, gaps
        if width >= 1100:  # a comfortable measure: 60 to 75 characters a line, over the whole article
            measure = page.locator(".article-body .para > p").evaluate_all("""ps => {
                let chars = 0, lines = 0;
                for (const p of ps) {
                    chars += p.textContent.length;
                    lines += Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
                }
                return chars / lines; }""")
            assert 60 <= measure <= 75, measure
    finally:
        ctx.close()


def test_header_is_compact_on_a_phone(browser, base_url):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        for kind, path in PAGES.items():
            page.goto(base_url + path)
            height = page.locator(".site-header").evaluate("el => el.getBoundingClientRect().height")
            assert height <= 100, f"{kind}: header {height} px tall at 390 px"
            tops = page.locator(".site-header nav a").evaluate_all("as => as.map(a => Math.round(a.getBoundingClientRect().top))")
            assert len(set(tops)) == 1, f"{kind}: the navigation wraps ({tops})"
    finally:
        ctx.close()


def test_timeline_filter_never_offers_an_option_that_shows_nothing(page, base_url):
    page.goto(base_url + "/timeline/")
    expect(page.locator("#timeline-filter")).to_be_visible()
    # Every entity, then every kind offered with it: the count in the option's label is the number
    # of events that choice shows, and it is never 0.
    problems = page.evaluate("""() => {
        const entity = document.getElementById('filter-entity'), kind = document.getElementById('filter-kind');
        const shown = () => [...document.querySelectorAll('.timeline li.event')].filter(li => !li.hidden).length;
        const offered = select => [...select.options].filter(o => !o.hidden && !o.disabled);
        const choose = (select, value) => { select.value = value; select.dispatchEvent(new Event('change', {bubbles: true})); };
        const problems = []; let pairs = 0;
        for (const e of offered(entity).map(o => o.value)) {
            choose(kind, ''); choose(entity, e);
            for (const o of offered(kind)) {
                const label = o.textContent, k = o.value;
                choose(kind, k); pairs += 1;
                const n = shown(), claimed = Number(label.match(/\\((\\d+)\\)$/)[1]);
                if (n === 0 || n !== claimed) problems.push(`${e || 'anyone'} × ${k || 'all kinds'}: ${n} shown, label "${label}"`);
            }
        }
        choose(kind, ''); choose(entity, '');
        return {problems, pairs};
    }""")
    assert problems["pairs"] > 40
    assert problems["problems"] == []


def test_timeline_link_to_an_empty_combination_keeps_the_entity(page, base_url):
    page.goto(base_url + "/timeline/")
    kinds = page.locator("#filter-kind option").evaluate_all("os => os.map(o => o.value).filter(Boolean)")
    entity = "elon-musk"
    empty = page.evaluate("""([entity, kinds]) => kinds.filter(k => ![...document.querySelectorAll('.timeline li.event')]
        .some(li => li.dataset.entities.split(' ').includes(entity) && li.dataset.kind === k))""", [entity, kinds])
    assert empty, "no kind lacks an Elon Musk event: pick another pair"
    page.goto(base_url + f"/timeline/?entity={entity}&kind={empty[0]}")
    expect(page.locator("#filter-entity")).to_have_value(entity)
    expect(page.locator("#filter-kind")).to_have_value("")
    assert page.locator(".timeline li.event:not([hidden])").count() > 0


_TIMING_LOG = """() => {
    // what happened when, in the page's own clock (a busy test machine can stretch any wait)
    window.cardLog = [];
    const log = what => window.cardLog.push([what, performance.now()]);
    document.querySelectorAll('a.xref').forEach(a => {
        a.addEventListener('mouseenter', () => log('enter'));
        a.addEventListener('mouseleave', () => log('leave'));
    });
    let open = false;
    new MutationObserver(() => {
        const card = document.getElementById('preview-card'), now = !!card && !card.hidden;
        if (now !== open) { open = now; log(now ? 'open' : 'close'); }
    }).observe(document.getElementById('main'), {subtree: true, childList: true, attributes: true, attributeFilter: ['hidden']});
}"""


def _log(page) -> list[tuple[str, float]]:
    return [tuple(row) for row in page.evaluate("() => window.cardLog")]


def test_cards_wait_for_a_resting_pointer_and_open_at_once_on_focus(page, base_url):
    page.goto(base_url + ARTICLE)
    page.evaluate(_TIMING_LOG)
    sweep = page.locator(".para:has(> p a.xref ~ a.xref) > p").first.locator("a.xref")
    sweep.first.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    page.wait_for_timeout(100)
    # A pointer sweeping across a paragraph's links (about 120 ms on each) opens no card: a card
    # may open only after the pointer rested 500 ms on one link.
    for n in range(sweep.count()):
        sweep.nth(n).hover()
        page.wait_for_timeout(120)
    page.mouse.move(0, 0)
    page.wait_for_timeout(700)
    log = _log(page)
    entered = None
    for what, when in log:
        if what == "enter":
            entered = when
        elif what == "open":
            assert entered is not None and when - entered >= 490, f"a card opened {when - entered:.0f} ms after the pointer arrived: {log}"
    # Resting on a link opens its card after 500 ms; leaving closes it after 300 ms.
    page.evaluate("() => { window.cardLog = []; }")
    sweep.first.hover()
    expect(page.locator(CARD)).to_be_visible(timeout=2000)
    page.mouse.move(0, 0)
    expect(page.locator(CARD)).to_be_hidden(timeout=2000)
    times = dict((what, when) for what, when in _log(page))
    assert times["open"] - times["enter"] >= 490, _log(page)
    assert times["close"] - times["leave"] >= 290, _log(page)
    # Keyboard focus opens it at once.
    sweep.first.focus()
    expect(page.locator(CARD)).to_be_visible(timeout=150)
