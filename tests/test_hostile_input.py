"""Content from untrusted contributors: markup, script, template syntax and path tricks.

Every text field a contributor can write (site title and dek, key points, entity summaries and
descriptions, event titles and bodies, definitions, quote contexts, notes, link titles, seed front
matter and seed text) gets the same hostile payload. The built pages are parsed and must contain
no executable script, no event-handler attribute, no javascript:/data:/vbscript: URL and no image
the content smuggled in; template syntax must come out as literal text. Ids and seed slugs that
try to leave the output folder, and symlinks that leave the project, are refused.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from helpers import parse

# One line (for fields that hold a line: titles, summaries; at most 400 characters).
LINE = ('<script>alert(1)</script> <img src=x onerror=alert(1)> " onmouseover="x \' onfocus=\'y '
        '{{ 7*7 }} {% raw %} </script><script>alert(2)</script> <!-- ]]> &amp; <div><b>')

# Markdown (for fields rendered as markdown).
MARKDOWN = """\
<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>

[link-js](javascript:alert(1)) [link-data](data:text/html;base64,PHNjcmlwdD4=) [link-vb](vbscript:msgbox)
[link-space]( javascript:alert(1)) [link-case](JaVaScRiPt:alert(1)) [link-tab](java\tscript:alert(1))
[link-entity](javascript&#58;alert(1)) <javascript:alert(1)> [link-ref][evil]

<div><b> unbalanced

{{ 7*7 }} and {% raw %} and {% include 'x' %} and {# comment #}

text with </script><script>alert(2)</script> and " onmouseover="x and ' onfocus='y

<iframe src="https://evil.example/"></iframe> <svg onload=alert(1)></svg> <style>body{display:none}</style>

[evil]: javascript:alert(1)
"""

BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href", "srcset")
JSON_TYPES = ("application/json", "application/ld+json")


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def make_hostile(project: Path, allow_html: bool = False) -> None:
    """Put the payload into every contributor-writable text field of the mini project."""
    content = project / "content"
    # with raw HTML on, its URLs are followed by the link check: keep them absolute so the build gets through
    md = MARKDOWN.replace("src=x", "src=https://evil.example/x") if allow_html else MARKDOWN

    site = _load(content / "site.yaml")
    site["title"] = "Mini " + LINE
    site["description"] = md
    site["publisher"] = LINE
    site["key_points"][0]["text"] += "\n\n" + md
    site["key_points"].append({"text": md})
    if allow_html:
        site["allow_html"] = True
    _dump(content / "site.yaml", site)

    entities = _load(content / "entities.yaml")
    for entity in entities:
        entity["summary"] = LINE
        entity["description"] = entity.get("description", "") + "\n" + md
        entity["links"] = [{"title": LINE, "url": 'https://example.org/"onmouseover="alert(1)'}]
    _dump(content / "entities.yaml", entities)

    timeline = _load(content / "timeline.yaml")
    for event in timeline:
        event["title"] = LINE
        event["label"] = LINE
        event["body"] = md
        for source in event["sources"]:
            if "title" in source:
                source["title"] = LINE
    _dump(content / "timeline.yaml", timeline)

    glossary = _load(content / "glossary.yaml")
    glossary[0]["definition"] = md
    _dump(content / "glossary.yaml", glossary)

    quotes = _load(content / "quotes.yaml")
    quotes[0]["context"] = md
    _dump(content / "quotes.yaml", quotes)

    notes = _load(content / "notes.yaml")
    notes[0]["note"] = md
    notes[0]["sources"][0]["title"] = LINE
    _dump(content / "notes.yaml", notes)

    seed = project / "seeds/engines.txt"
    text = seed.read_text(encoding="utf-8")
    front, body = text.split("---\n", 2)[1:]
    meta = yaml.safe_load(front)
    meta.update(title="Engines " + LINE, author=LINE, publication=LINE, summary=md)
    seed.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n"
                    + body + LINE + "\n", encoding="utf-8")
    # a second, markdown seed: its blocks go through the markdown renderer
    (project / "seeds/hostile.md").write_text(
        "---\ntitle: " + json.dumps("Hostile " + LINE) + "\n---\n" + md, encoding="utf-8")


def html_files(site: Path) -> list[Path]:
    files = sorted(site.rglob("*.html"))
    assert len(files) >= 10
    return files


def page_problems(path: Path) -> list[str]:
    """Everything on one page that could run script or load something the content chose."""
    tree = parse(path)
    found = []
    for node in tree.css("*"):
        tag = node.tag
        attrs = node.attributes
        for name, value in attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name.lower() in URL_ATTRIBUTES and value is not None:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(BAD_SCHEMES):
                    found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            if "src" in attrs:
                continue
            kind = (attrs.get("type") or "").lower()
            if kind not in JSON_TYPES:
                found.append(f"inline <script> of type {kind or 'javascript'}: {node.text()[:80]!r}")
                continue
            try:
                json.loads(node.text())
            except ValueError as exc:
                found.append(f"<script type={kind}> is not valid JSON ({exc}): {node.text()[:80]!r}")
        # the templates use no images, frames, embeds or <style>, and <svg> only for the relationship
        # drawings and their legend's marks
        if tag in ("img", "iframe", "object", "embed", "style", "base", "frame", "frameset"):
            found.append(f"<{tag}> from content")
        if tag == "svg" and not {"graph", "mark"} & set((attrs.get("class") or "").split()):
            found.append("<svg> from content")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    return [f"{path.name}: {p}" for p in found]


@pytest.fixture
def hostile_site(cli, project: Path) -> Path:
    make_hostile(project)
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return project / "site"


def test_hostile_content_builds_without_script(hostile_site: Path):
    problems = [p for path in html_files(hostile_site) for p in page_problems(path)]
    assert problems == []


def test_script_end_tags_stay_inside_json_blocks(hostile_site: Path):
    """`</script>` in a title or summary must not close the JSON data blocks, and must survive in the data."""
    blocks = {"application/json": [], "application/ld+json": []}
    for path in html_files(hostile_site):
        for node in parse(path).css("script[type]"):
            kind = node.attributes.get("type")
            if kind in blocks:
                blocks[kind].append(json.loads(node.text()))
    assert blocks["application/json"], "no card-data block was written"
    assert blocks["application/ld+json"], "no JSON-LD block was written"
    for kind, datas in blocks.items():
        assert any("</script><script>alert(2)</script>" in json.dumps(d, ensure_ascii=False) for d in datas), kind


def test_template_syntax_is_literal_text(hostile_site: Path):
    """Jinja syntax in content is text: `{{ 7*7 }}` is shown as written, never evaluated to 49."""
    for page in ("entities/ada-lovelace/index.html", "timeline/index.html", "glossary/index.html", "index.html",
                 "articles/hostile/index.html"):
        text = parse(hostile_site / page).body.text()
        assert "{{ 7*7 }}" in text, page
        assert "49" not in text, page
    entity = parse(hostile_site / "entities/ada-lovelace/index.html").body.text()
    assert "{% include 'x' %}" in entity and "{% raw %}" in entity and "{# comment #}" in entity


def test_markup_in_content_is_shown_as_text(hostile_site: Path):
    text = parse(hostile_site / "entities/ada-lovelace/index.html").body.text()
    assert "<script>alert(1)</script>" in text
    assert "<div><b> unbalanced" in text
    title = parse(hostile_site / "index.html").css_first("title").text()
    assert title == "Mini " + LINE


def test_attribute_breaking_quotes_stay_in_their_attribute(hostile_site: Path):
    page = parse(hostile_site / "entities/ada-lovelace/index.html")
    assert page.css_first('meta[property="og:title"]').attributes["content"] == "Ada Lovelace"
    links = [a.attributes["href"] for a in page.css("a[href]") if "onmouseover" in (a.attributes["href"] or "")]
    assert links == ['https://example.org/"onmouseover="alert(1)'], links


def test_hostile_feed_is_well_formed_xml(hostile_site: Path):
    for name in ("feed.xml", "sitemap.xml"):
        ET.fromstring((hostile_site / name).read_bytes())


def test_allow_html_still_strips_script(cli, project: Path):
    make_hostile(project, allow_html=True)
    result = cli("build")
    assert result.exit_code == 0, result.output
    problems = [p for path in html_files(project / "site") for p in page_problems(path)]
    assert problems == []


@pytest.mark.parametrize("image", ["![pic](https://evil.example/t.png)", "![pic][ref]\n\n[ref]: https://evil.example/t.png"])
def test_no_image_from_content(cli, project: Path, image: str):
    path = project / "content/entities.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  related: [charles-babbage]", "    " + image.replace("\n", "\n    ") + "\n"
                                 "  related: [charles-babbage]", 1), encoding="utf-8")
    result = cli("build")
    assert "Traceback" not in result.output
    if result.exit_code == 1:  # refusing the image is fine, if it is said where
        assert result.stderr.startswith("content/entities.yaml:"), result.stderr
        return
    assert result.exit_code == 0, result.output
    images = [path for path in html_files(project / "site") for _ in parse(path).css("img")]
    assert images == []


# ---------------------------------------------------------------------------------------------
# Paths that try to leave the output folder
# ---------------------------------------------------------------------------------------------

ESCAPES = ["../x", "/etc/x", "..", "x/../../y", "./x", "x\\..\\y", "%2e%2e"]


def _set_id(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


WHERE_IDS = {
    "entity-id": ("content/entities.yaml", "id: london", "id: {}"),
    "entity-redirect-from": ("content/entities.yaml", "  summary: Capital", "  redirect_from: [{}]\n  summary: Capital"),
    "event-id": ("content/timeline.yaml", "id: engine-designed", "id: {}"),
    "term-id": ("content/glossary.yaml", "id: algorithm", "id: {}"),
    "note-id": ("content/notes.yaml", "id: first-program", "id: {}"),
    "quote-id": ("content/quotes.yaml", "- speaker:", "- id: {}\n  speaker:"),
    "seed-slug": ("seeds/engines.txt", "slug: engines", "slug: {}"),
}


@pytest.mark.parametrize("field", sorted(WHERE_IDS))
@pytest.mark.parametrize("value", ESCAPES)
def test_escaping_id_is_refused(cli, project: Path, tmp_path: Path, field: str, value: str):
    rel, old, new = WHERE_IDS[field]
    _set_id(project, rel, old, new.format(json.dumps(value)))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "is not a valid id" in result.stderr
    assert f"{rel}:" in result.stderr.splitlines()[0]
    assert not (project / "site").exists()
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


# ---------------------------------------------------------------------------------------------
# Symlinks
# ---------------------------------------------------------------------------------------------

def _outside(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    target = folder / name
    target.write_bytes(data)
    return target


@pytest.mark.parametrize("rel", ["content/entities.yaml", "content/site.yaml", "seeds/engines.txt"])
def test_symlink_outside_the_project_is_refused(cli, project: Path, tmp_path: Path, rel: str):
    link = project / rel
    target = _outside(tmp_path, link.name, link.read_bytes())  # same, valid content: only the link is wrong
    link.unlink()
    link.symlink_to(target)
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{rel}: error: symlink points outside {rel.split('/')[0]}/" in result.stderr.splitlines()[0]
    assert not (project / "site").exists()


def test_symlink_to_a_system_file_is_refused(cli, project: Path):
    (project / "seeds/passwd.txt").symlink_to("/etc/passwd")
    result = cli("build")
    assert result.exit_code == 1
    assert "seeds/passwd.txt: error: symlink points outside seeds/" in result.stderr
    assert "root:" not in result.output


def test_symlinked_folder_outside_the_project_is_refused(cli, project: Path, tmp_path: Path):
    _outside(tmp_path, "more.yaml", b"- id: outsider\n  name: Outsider\n  kind: person\n  summary: From outside.\n")
    (project / "content/entities").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "content/entities/more.yaml: error: symlink points outside content/" in result.stderr


def test_symlinked_seeds_folder_outside_the_project_is_refused(cli, project: Path, tmp_path: Path):
    """Seeds are read with each folder's real path worked out once: a folder that leads outside
    is still caught, and a symlinked seed inside the project is still read."""
    seeds = project / "seeds"
    _outside(tmp_path, "engines.txt", (seeds / "engines.txt").read_bytes())
    shutil.rmtree(seeds)
    seeds.symlink_to(tmp_path / "outside", target_is_directory=True)
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "seeds/: error: seeds/ is a symlink to a folder outside the project" in result.stderr


def test_symlinked_seed_inside_its_folder_is_read(cli, project: Path):
    (project / "seeds/drafts").mkdir()
    (project / "seeds/drafts/engines.txt").write_bytes((project / "seeds/engines.txt").read_bytes())
    (project / "seeds/engines.txt").unlink()
    (project / "seeds/engines.txt").symlink_to(project / "seeds/drafts/engines.txt")
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert (project / "site/articles/engines/index.html").exists()


def test_symlink_chain_that_ends_outside_is_refused(cli, project: Path, tmp_path: Path):
    link = project / "content/quotes.yaml"
    target = _outside(tmp_path, "quotes.yaml", link.read_bytes())
    link.unlink()
    hop = project / "shared-quotes.yaml"
    hop.symlink_to(target)
    link.symlink_to(Path("..") / hop.name)
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "content/quotes.yaml: error: symlink points outside content/" in result.stderr


@pytest.mark.parametrize("rel", ["content/quotes.yaml", "seeds/engines.txt"])
def test_symlink_inside_its_own_folder_is_fine(cli, project: Path, rel: str):
    link = project / rel
    kept = link.parent / "kept"
    kept.mkdir()
    target = kept / link.name
    link.rename(target)
    link.symlink_to(os.path.relpath(target, link.parent))
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert (project / "site/articles/engines/index.html").exists()


@pytest.mark.parametrize("rel", ["content/quotes.yaml", "seeds/engines.txt"])
def test_symlink_to_another_folder_of_the_project_is_refused(cli, project: Path, rel: str):
    """A seed linked to `../.git/config` is inside the project, yet not a seed: each file must stay
    inside the folder it belongs to."""
    link = project / rel
    shared = project / "shared"
    shared.mkdir()
    target = shared / link.name
    link.rename(target)
    link.symlink_to(os.path.relpath(target, link.parent))
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert f"{rel}: error: symlink points outside {rel.split('/')[0]}/" in result.stderr


def test_the_page_checker_catches_injections(tmp_path: Path):
    """The checker above must itself see each kind of injection (or the tests prove nothing)."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><script>alert(1)</script>'
                    '<script type="application/json">{"a": </script></head><body>'
                    '<a href=" JavaScript:alert(1)">a</a><div onclick="x">b</div><img src="https://e.example/p.png">'
                    '<iframe src="data:text/html,x"></iframe><svg onload="x"></svg><script src="/ok.js"></script>'
                    '<script type="application/ld+json">{"ok": true}</script></body></html>', encoding="utf-8")
    found = page_problems(page)
    assert len(found) == 9, found  # the iframe and the svg are each caught twice (tag, and URL or handler)


@settings(max_examples=100, deadline=None)
@given(cards=st.dictionaries(st.sampled_from(["entity:a", "entity:b-c", "term:d", "term:e"]),
                             st.dictionaries(st.sampled_from(["name", "summary", "kind"]), st.text(max_size=12)),
                             max_size=4),
       linked=st.lists(st.sampled_from(["entity:a", "entity:b-c", "term:d", "entity:zz"]), max_size=6))
def test_card_block_is_the_chosen_cards_serialised_in_one_go_however_often_memoised(cards, linked):
    """Each card's JSON is kept between pages; the block must still be exactly the cards the page
    links to, as one escaped JSON object, and the cards of another site's render are written anew."""
    from explainer.render import CardData, before_body_end, card_block, json_ld
    page = "<body>" + "".join(f'<a data-card="{key}">x</a>' for key in linked) + "</body>"
    for round_ in range(2):
        data = CardData(cards)
        card_block(page, data)  # (each card serialised once, then reused)
        html = before_body_end(page, card_block(page, data))
        used = sorted(set(linked))
        if not used:
            assert html == page
            continue
        expected = json_ld({key: cards[key] for key in used if key in cards})
        block = HTMLParser(html).css_first("script#card-data")
        assert block.text() == expected and json.loads(block.text()) == {k: cards[k] for k in used if k in cards}
        cards = {key: {**card, "name": "changed"} for key, card in cards.items()}  # new objects
