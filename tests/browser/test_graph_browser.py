"""The relationship drawings as a reader's browser renders them: label boxes measured with
getBoundingClientRect on /map/ and on every entity page at 1280 and 390 px (no label over another
label or any node, none smaller than 11 px), each kind's colour against the background in both
schemes (WCAG 1.4.11: 3:1), exploring a node by keyboard and pointer; and /data/timeline.json
loaded by TimelineJS3's own code."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from browser_support import REPO

TIMELINEJS = REPO / "node_modules" / "@knight-lab" / "timelinejs" / "dist" / "js" / "timeline.js"
MIN_LABEL_PX = 11
MIN_CONTRAST = 3.0

# Every label's and node's box, in CSS px as rendered; overlaps of more than half a pixel.
MEASURE = """() => {
  const hit = (a, b) => a.left < b.right - .5 && b.left < a.right - .5 && a.top < b.bottom - .5 && b.top < a.bottom - .5;
  const out = {labels: 0, overlaps: [], smallest: Infinity};
  for (const svg of document.querySelectorAll("svg.graph")) {
    const texts = [...svg.querySelectorAll(".nodes text")];
    const marks = [...svg.querySelectorAll(".nodes .shape")];
    const name = el => el.closest("[data-node]").getAttribute("data-node");
    const tr = texts.map(t => t.getBoundingClientRect()), mr = marks.map(m => m.getBoundingClientRect());
    out.labels += texts.length;
    texts.forEach((t, i) => {
      out.smallest = Math.min(out.smallest, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
      for (let j = i + 1; j < texts.length; j++) if (hit(tr[i], tr[j])) out.overlaps.push(["label", name(t), name(texts[j])]);
      marks.forEach((m, j) => { if (hit(tr[i], mr[j])) out.overlaps.push(["node", name(t), name(m)]); });
    });
  }
  return out;
}"""


def entity_paths(built_site: Path) -> list[str]:
    return sorted(f"/entities/{p.name}/" for p in (built_site / "entities").iterdir() if (p / "index.html").is_file())


def test_labels_never_overlap_and_stay_legible(browser, base_url, built_site):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    problems, drawn = [], 0
    try:
        for path in ["/map/"] + entity_paths(built_site):
            page.goto(base_url + path, wait_until="domcontentloaded")
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                found = page.evaluate(MEASURE)
                drawn += found["labels"]
                if found["overlaps"] or (found["labels"] and found["smallest"] < MIN_LABEL_PX):
                    problems.append((path, width, found["overlaps"][:5], found["smallest"]))
                if width == 390:  # the drawing scrolls inside its box; the page itself does not
                    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth"), path
    finally:
        ctx.close()
    assert drawn > 60 * 2 and not problems, problems


def _luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _rgb(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    return f"rgb({int(value[0:2], 16)}, {int(value[2:4], 16)}, {int(value[4:6], 16)})"


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_stands_out_from_the_background(browser, base_url, scheme):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = ctx.new_page()
    try:
        page.goto(base_url + "/map/")
        colours = page.evaluate("""() => {
          const bg = getComputedStyle(document.querySelector(".graph-scroll")).backgroundColor;
          const paint = el => { const s = getComputedStyle(el); return el.classList.contains("ring") ? s.stroke : s.fill; };
          const nodes = {}, legend = {};
          for (const a of document.querySelectorAll("svg.graph .node")) nodes[a.className.baseVal.match(/kind-(\\w+)/)[1]] = paint(a.querySelector(".shape"));
          for (const m of document.querySelectorAll(".graph-legend svg[class*=kind-]")) legend[m.className.baseVal.match(/kind-(\\w+)/)[1]] = paint(m.querySelector(".shape"));
          const root = getComputedStyle(document.documentElement);
          const declared = Object.fromEntries(["person", "organization", "place", "program", "product", "publication",
            "event", "concept"].map(k => [k, root.getPropertyValue("--kind-" + k).trim()]));
          return {bg, nodes, legend, declared};
        }""")
    finally:
        ctx.close()
    figures = {kind: round(contrast(colour, colours["bg"]), 2) for kind, colour in colours["nodes"].items()}
    declared = {kind: round(contrast(_rgb(hex_colour), colours["bg"]), 2) for kind, hex_colour in colours["declared"].items()}
    print(scheme, colours["bg"], figures, declared)
    assert len(colours["nodes"]) >= 6 and min(figures.values()) >= MIN_CONTRAST, figures
    assert len(declared) == 8 and min(declared.values()) >= MIN_CONTRAST, declared  # kinds not on this map too
    assert colours["legend"] == colours["nodes"]  # the legend shows each kind in the colour it is drawn in
    assert len(set(colours["nodes"].values())) == len(colours["nodes"])  # one colour per kind


def test_exploring_a_node_highlights_its_ties_and_says_why(browser, base_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(base_url + "/map/")
        status = page.locator("[data-graph-status]")
        page.locator("svg.graph a[data-node='elon-musk']").focus()
        near = page.evaluate("""() => [...document.querySelectorAll("svg.graph .edge.is-near")]
            .map(e => [e.dataset.a, e.dataset.b].find(x => x !== "elon-musk"))""")
        lit = page.evaluate("() => [...document.querySelectorAll('svg.graph .node.is-near')].map(n => n.dataset.node)")
        assert near and sorted(near) == sorted(lit)
        assert page.evaluate("() => document.querySelector('svg.graph').classList.contains('exploring')")
        text = status.text_content()
        assert text.startswith("Elon Musk: tied here to") and "named together in" in text
        assert status.get_attribute("aria-live") == "polite"
        page.keyboard.press("Tab")  # the next node in the tab order takes over
        assert not page.evaluate("() => document.querySelector(\"svg.graph a[data-node='elon-musk']\").classList.contains('is-active')")
        page.keyboard.press("Escape")
        assert not page.evaluate("() => document.querySelector('svg.graph').classList.contains('exploring')")
        page.locator("svg.graph a[data-node='vladimir-putin']").hover()
        assert status.text_content().startswith("Vladimir Putin: tied here to")
    finally:
        ctx.close()


def test_without_javascript_every_node_is_a_link(browser, base_url):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    try:
        page.goto(base_url + "/map/")
        links = page.evaluate("""() => [...document.querySelectorAll("svg.graph [data-node]")]
            .map(n => [n.tagName.toLowerCase(), n.getAttribute("href"), n.getAttribute("data-node")])""")
    finally:
        ctx.close()
    assert len(links) >= 20 and all(tag == "a" and href == f"/entities/{ident}/" for tag, href, ident in links)


def test_timelinejs_reads_the_timeline(browser, built_site):
    """TimelineJS3's own bundle (npm @knight-lab/timelinejs) builds a timeline from
    /data/timeline.json: no errors, every event, each date at the precision it was written."""
    if not TIMELINEJS.is_file():
        if os.environ.get("CI"):
            pytest.fail("TimelineJS3 is missing: run ./setup.sh (npm ci)")
        pytest.skip("TimelineJS3 is not installed here (npm ci installs it; CI fails without it)")
    data = json.loads((built_site / "data" / "timeline.json").read_text(encoding="utf-8"))
    ctx = browser.new_context()
    ctx.route("**/*", lambda route: route.abort())  # it asks a CDN for its fonts: nothing leaves the machine
    page = ctx.new_page()
    try:
        page.set_content('<!DOCTYPE html><title>t</title><div id="tl" style="width:900px;height:600px"></div>')
        page.add_script_tag(content=TIMELINEJS.read_text(encoding="utf-8"))
        result = page.evaluate("""(data) => new Promise(resolve => {
          const timeline = new TL.Timeline("tl", data);
          const done = () => resolve({valid: timeline.config.isValid(), errors: timeline.config.getErrors().map(String),
            events: timeline.config.events.map(e => [e.unique_id, e.start_date.data.format]),
            slides: document.querySelectorAll(".tl-slide").length});
          timeline.on("loaded", done);
        })""", data)
    finally:
        ctx.close()
    assert result["valid"] and not result["errors"], result["errors"]
    formats = {"year": "year", "month": "month", "day": "full"}
    written = {e["unique_id"]: formats[e["precision"]] for e in data["events"]}
    assert dict(result["events"]) == written and len(result["events"]) == len(data["events"])
    assert result["slides"] == len(data["events"]) + 1  # and a title slide
