"""The built site, read back with an HTML parser: text preserved, links resolved, pages complete."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import REPO, edit, parse, tree_hash
from explainer.load import split_front_matter, split_paragraphs

LINKCHECK = REPO / "tests" / "tools" / "linkcheck.py"  # an independent checker, not the build's own


@pytest.fixture
def site(cli, project: Path) -> Path:
    result = cli("build")
    assert result.exit_code == 0, result.output
    return project / "site"


def seed_paragraphs(project: Path) -> list[str]:
    _front, body, line = split_front_matter((project / "seeds/engines.txt").read_text(encoding="utf-8"))
    return [p.text for p in split_paragraphs(body, ".txt", line)]


def test_every_page_kind_is_written(site: Path):
    for name in ["index.html", "404.html", "articles/engines/index.html", "entities/index.html",
                 "entities/ada-lovelace/index.html", "timeline/index.html", "glossary/index.html"]:
        assert (site / name).is_file(), name
        assert parse(site / name).css_first("h1").text().strip()


def test_linking_never_changes_the_article_text(site: Path, project: Path):
    page = parse(site / "articles/engines/index.html")
    rendered = [node.text(deep=True) for node in page.css(".para > p")]
    assert rendered == seed_paragraphs(project)


def test_paragraphs_have_stable_anchors_and_permalinks(site: Path):
    page = parse(site / "articles/engines/index.html")
    paras = page.css(".para")
    assert [p.attributes["id"] for p in paras] == ["p1", "p2", "p3"]
    assert [p.css_first("a.permalink").attributes["href"] for p in paras] == ["#p1", "#p2", "#p3"]


def test_links_follow_the_density_policy(cli, project: Path):
    # three short paragraphs (25 words) at one link per 30 words: room for one link, the main person
    edit(project / "content/site.yaml", "language: en\n", "language: en\nlinking:\n  words_per_link: 30\n")
    assert cli("build").exit_code == 0
    page = parse(project / "site/articles/engines/index.html")
    links = [(a.text(), a.attributes["href"], a.attributes["class"]) for a in page.css(".para > p a.xref")]
    assert links == [("Ada Lovelace", "/entities/ada-lovelace/", "xref xref-entity xref-auto")]


def test_by_default_each_name_links_once_per_article(site: Path):
    page = parse(site / "articles/engines/index.html")
    assert [(a.text(), a.attributes["href"]) for a in page.css(".para > p a.xref")] == [
        ("Ada Lovelace", "/entities/ada-lovelace/"), ("program", "/glossary/#term-algorithm"),
        ("London", "/entities/london/"),
        ("Engine", "/entities/analytical-engine/"), ("Babbage", "/entities/charles-babbage/"),
    ]


def test_link_policy_all(cli, project: Path):
    edit(project / "content/site.yaml", "language: en\n", "language: en\nlinking:\n  entities: all\n  terms: all\n")
    assert cli("build").exit_code == 0
    page = parse(project / "site/articles/engines/index.html")
    babbage = [a for a in page.css(".para > p a.xref") if a.text() == "Babbage"]
    assert len(babbage) == 2


def test_entity_page_shows_mentions_events_quotes_related(site: Path):
    page = parse(site / "entities/ada-lovelace/index.html")
    mentions = page.css("ul.mentions li")
    assert [m.css_first("a.para-ref").attributes["href"] for m in mentions] == [
        "/articles/engines/#p1", "/articles/engines/#p3"]
    assert [m.css_first("mark").text() for m in mentions] == ["Ada Lovelace", "Lovelace"]
    assert [h.text() for h in page.css("#events ~ ol .event-title")] == ["Lovelace publishes her notes"]
    assert page.css_first(".quote blockquote").text().strip() == "The Engine weaves algebraic patterns."
    assert page.css_first(".quote figcaption a").attributes["href"] == "/articles/engines/#p2"
    related = {a.text(): a.parent.css_first(".why").text() for a in page.css("ul.related a")}
    assert related == {"Charles Babbage": "related · mentioned together in 1 paragraph",
                       "London": "mentioned together in 1 paragraph"}


def test_timeline_sorted_grouped_by_year_with_sources(site: Path):
    page = parse(site / "timeline/index.html")
    assert [h.text() for h in page.css("section.year h2")] == ["1837", "1843"]
    first, second = page.css("li.event")
    assert first.css_first("time").text() == "c. 1837" and first.css_first(".badge") is not None
    assert second.css_first("h3").attributes["id"] == "event-notes-published"
    assert second.css_first(".source-seed a").attributes["href"] == "/articles/engines/#p1"
    assert first.css_first(".source-web a").attributes["href"] == "https://example.org/engine"


def test_article_paragraph_links_back_to_events_and_shows_notes(site: Path):
    page = parse(site / "articles/engines/index.html")
    aside = page.css_first("#p1 aside")
    assert aside.css_first(".para-events a").attributes["href"] == "/timeline/#event-notes-published"
    assert "Historians debate" in aside.css_first(".note").text()


def test_glossary_has_anchor_per_term_and_where_used(site: Path):
    page = parse(site / "glossary/index.html")
    heading = page.css_first("h3#term-algorithm")
    assert heading.text() == "algorithm"
    term = heading.parent
    assert term.css_first(".definition").text().strip() == "A precise list of steps to compute something."
    assert [a.attributes["href"] for a in term.css(".uses a")] == ["/articles/engines/#p1"]


def test_glossary_on_a_many_article_site_names_the_articles_and_leaves_the_rest_to_search(project: Path, tmp_path: Path):
    """With thousands of articles a term is used in hundreds: the glossary (one page) names the
    articles that use it most, a few paragraphs each, and counts the rest with a search link."""
    from explainer.pages import GLOSSARY_ARTICLES, GLOSSARY_USES
    from explainer.pipeline import BuildOptions, build
    uses = {f"x{n}": n % 3 + 1 for n in range(GLOSSARY_ARTICLES + 3)}  # article → paragraphs using "algorithm"
    uses["x7"] = GLOSSARY_USES + 4
    for slug, count in uses.items():
        body = "\n\n".join(f"An algorithm, step {i}." for i in range(count))
        (project / "seeds" / f"{slug}.md").write_text(f'---\ntitle: "Article {slug}"\nslug: {slug}\n---\n\n{body}\n',
                                                       encoding="utf-8")
    build(BuildOptions(root=project, out=tmp_path / "out", jobs=1, theme=REPO))
    term = parse(tmp_path / "out/glossary/index.html").css_first("h3#term-algorithm").parent
    block = term.css_first("div.uses")
    assert "data-search-ignore" in block.attributes  # article titles are not the glossary's words
    total = len(uses) + 1  # and "engines"
    assert block.css_first("p").text() == f"Used in {total} articles, most in these {GLOSSARY_ARTICLES}:"
    rows = block.css("li")
    most = sorted(uses, key=lambda slug: -uses[slug])[:GLOSSARY_ARTICLES]
    assert sorted(row.css_first("a").attributes["href"] for row in rows) == sorted(f"/articles/{s}/" for s in most)
    busiest = next(row for row in rows if row.css_first("a").attributes["href"] == "/articles/x7/")
    paragraph_links = [a.attributes["href"] for a in busiest.css("a")[1:]]
    assert paragraph_links == [f"/articles/x7/#p{i}" for i in range(1, GLOSSARY_USES + 1)]
    assert busiest.text().endswith(" and 4 more")
    last = block.css("p")[-1]
    assert last.text().startswith(f"And in {total - GLOSSARY_ARTICLES} more.")
    assert last.css_first("a").attributes["href"] == "/search/?q=algorithm"


def test_feed_holds_the_newest_entries_only(project: Path, tmp_path: Path):
    import xml.etree.ElementTree as ET

    from explainer.pages import FEED_ENTRIES
    from explainer.pipeline import BuildOptions, build
    for number in range(FEED_ENTRIES + 5):
        (project / "seeds" / f"n{number:03d}.md").write_text(
            f'---\ntitle: "Number {number}"\nslug: n{number:03d}\npublished: "{1900 + number}-01-01"\n---\n\nText.\n',
            encoding="utf-8")
    build(BuildOptions(root=project, out=tmp_path / "out", jobs=1, theme=REPO))
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(tmp_path / "out/feed.xml").getroot().findall(f"{atom}entry")
    updated = [entry.find(f"{atom}updated").text for entry in entries]
    assert len(entries) == FEED_ENTRIES and updated == sorted(updated, reverse=True)
    titles = {entry.find(f"{atom}title").text for entry in entries}
    assert "Number 0" not in titles and f"Number {FEED_ENTRIES + 4}" in titles  # the oldest are left out
    assert len(list((tmp_path / "out/articles").iterdir())) > FEED_ENTRIES + 5  # the pages are all there


def test_home_has_key_points_players_and_timeline(site: Path):
    page = parse(site / "index.html")
    point = page.css_first("ol.key-points li")
    assert point.css_first("a.xref").attributes["href"] == "/entities/ada-lovelace/"
    assert point.css_first(".cite a").attributes["href"] == "/articles/engines/#p1"
    assert page.css_first(".players a").text() in {"Ada Lovelace", "Charles Babbage"}
    assert len(page.css("ol.events > li")) == 2


def test_every_internal_link_and_anchor_resolves(site: Path):
    proc = subprocess.run([sys.executable, str(LINKCHECK), str(site)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_output_is_deterministic(cli, project: Path, tmp_path: Path):
    """The same bytes from a second build, and from builds under other string-hash seeds: no
    output may depend on the order in which a set of strings is walked."""
    assert cli("build", "--out", str(tmp_path / "a")).exit_code == 0
    assert cli("build", "--out", str(tmp_path / "b")).exit_code == 0
    assert tree_hash(tmp_path / "a") == tree_hash(tmp_path / "b")
    for seed in ("1", "2"):
        proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "build",
                               "--out", str(tmp_path / seed)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        assert tree_hash(tmp_path / seed) == tree_hash(tmp_path / "a"), f"PYTHONHASHSEED={seed}"


def test_content_cannot_inject_markup(cli, project: Path):
    edit(project / "content/entities.yaml", "summary: Designer of the Analytical Engine.",
         "summary: \"<script>alert(1)</script> {{ 7*7 }}\"")
    edit(project / "content/entities.yaml", "Wrote notes on", "<img src=x onerror=alert(1)> [x](javascript:alert(1)) Wrote notes on")
    assert cli("build").exit_code == 0
    page = parse(project / "site/entities/charles-babbage/index.html")
    for script in page.css("script"):  # only external code, and inert JSON data blocks that parse
        kind = script.attributes.get("type")
        if kind in ("application/json", "application/ld+json"):
            json.loads(script.text())
        else:
            assert script.attributes.get("src") and not script.text().strip()
    assert page.css_first(".dek").text() == "<script>alert(1)</script> {{ 7*7 }}"
    ada = parse(project / "site/entities/ada-lovelace/index.html")
    assert ada.css("img") == []
    assert all(not a.attributes.get("href", "").startswith("javascript") for a in ada.css("a"))


def test_drafts_only_with_flag(cli, project: Path, tmp_path: Path):
    edit(project / "content/entities.yaml", "  kind: place\n", "  kind: place\n  draft: true\n")
    assert cli("build").exit_code == 0
    assert not (project / "site/entities/london").exists()
    article = parse(project / "site/articles/engines/index.html")
    assert "London" in article.css_first("#p1 p").text() and not article.css("#p1 a[href*=london]")
    assert cli("build", "--drafts", "--out", str(tmp_path / "d")).exit_code == 0
    assert (tmp_path / "d/entities/london/index.html").is_file()


def test_base_url_path_prefixes_every_link(cli, project: Path, tmp_path: Path):
    out = tmp_path / "sub"
    result = cli("build", "--out", str(out), "--base-url", "https://example.org/explainer/")
    assert result.exit_code == 0, result.output
    page = parse(out / "articles/engines/index.html")
    assert page.css_first("link[rel=canonical]").attributes["href"] == "https://example.org/explainer/articles/engines/"
    hrefs = [a.attributes["href"] for a in page.css("a.xref")]
    assert hrefs and all(h.startswith("/explainer/") for h in hrefs)


def test_failed_build_keeps_previous_site_and_leaves_no_temp(cli, project: Path, site: Path):
    before = tree_hash(site)
    edit(project / "content/timeline.yaml", 'date: "1843"', 'date: "1843-13"')
    assert cli("build").exit_code == 1
    assert tree_hash(site) == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_link_check_finds_missing_pages_anchors_and_duplicate_ids():
    from explainer.check import check_links
    files = {
        "index.html": b'<a href="/a/">ok</a><a href="/a/#x">ok</a><a href="/a/#nope">bad</a><a href="/gone/">bad</a>'
                      b'<a href="#top">bad</a><a href="https://example.org/">external</a><p id="d"></p><p id="d"></p>',
        "a/index.html": b'<h1 id="x">A</h1><a href="../index.html#d">ok</a><a href="#x">ok</a><a href="../../up">bad</a>',
    }
    messages = sorted(p.message for p in check_links(files))
    assert messages == sorted(["broken link '#top': no element with id 'top'",
                               "broken link '/a/#nope': no element with id 'nope'",
                               "broken link '/gone/': no such page", "duplicate id 'd' in the page",
                               "broken link '../../up': no such page"])


def test_link_check_sees_the_preview_card_block_it_does_not_parse(project: Path, tmp_path: Path):
    """The build parses a page without its card-data block (script data, a third of an article
    page) but must still count the block's id: a template that reuses it is a duplicate id."""
    import shutil
    from explainer.errors import ContentError
    from explainer.pipeline import BuildOptions, build
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "templates", theme / "templates")
    shutil.copytree(REPO / "static", theme / "static")
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</main>", '<p id="card-data">x</p></main>'),
                    encoding="utf-8")
    with pytest.raises(ContentError) as failed:
        build(BuildOptions(root=project, out=tmp_path / "out", jobs=1, theme=theme))
    assert any(problem.message == "duplicate id 'card-data' in the page" and problem.where.path.startswith("site/articles/")
               for problem in failed.value.problems), [str(problem) for problem in failed.value.problems]


def test_link_check_judges_each_page_of_a_repeated_link():
    """A link's verdict is worked out once per folder: a repeated broken link is still reported on
    every page that has it, and links that mean "this page" are judged against each page."""
    from explainer.check import check_links
    files = {
        "index.html": b'<p id="top"></p><a href="/gone/">x</a><a href="a/#x">x</a><a href="?q=1#top">x</a>',
        "404.html": b'<a href="/gone/">x</a><a href="a/#x">x</a><a href="?q=1#top">x</a><a href="a/#y">x</a>',
        "a/index.html": b'<h1 id="x"></h1><a href="/gone/">x</a><a href="../a/#x">x</a><a href="#x">x</a>',
        "b/index.html": b'<a href="../a/#y">x</a><a href="/a/#x">x</a><a href="/a/#y">x</a>',
    }
    found = sorted((p.where.path, p.message) for p in check_links(files))
    assert found == sorted([
        ("site/index.html", "broken link '/gone/': no such page"),
        ("site/404.html", "broken link '/gone/': no such page"),
        ("site/a/index.html", "broken link '/gone/': no such page"),
        ("site/404.html", "broken link '?q=1#top': no element with id 'top'"),  # 404.html has no #top
        ("site/404.html", "broken link 'a/#y': no element with id 'y'"),
        ("site/b/index.html", "broken link '../a/#y': no element with id 'y'"),
        ("site/b/index.html", "broken link '/a/#y': no element with id 'y'"),
    ])


_CHECK_PAGES = ["index.html", "a/index.html", "b/index.html", "a/c/index.html", "404.html"]
_CHECK_LINKS = ["/a/", "/a/#x", "/b/#y", "/a/c/#x", "/gone/", "/a/c", "a/", "a/#x", "../", "../a/#y", "../b/",
                "c/#x", "../../up", "./", "./#x", "#x", "#y", "#", "?q", "?q#x", "//elsewhere.org/x", "/",
                "/#x", "https://example.org/", "b/../a/#x", "/a/%23x", "#%78"]


def _oracle_broken(pages: dict[str, tuple[set[str], list[str]]]) -> set[tuple[str, str]]:
    """(page, link) pairs that do not resolve, worked out link by link with the standard library."""
    from urllib.parse import unquote, urljoin, urlsplit
    broken = set()
    for name, (_ids, links) in pages.items():
        for link in links:
            target = urlsplit(urljoin(f"http://site/{name}", link))
            if target.netloc != "site":
                continue
            path = unquote(target.path).lstrip("/")
            file = next((f for f in (path, path + "index.html", path + "/index.html") if f in pages), None)
            if file is None or (target.fragment and unquote(target.fragment) not in pages[file][0]):
                broken.add((name, link))
    return broken


@settings(max_examples=150, deadline=None)
@given(pages=st.fixed_dictionaries({name: st.tuples(st.sets(st.sampled_from(["x", "y", "%78"])),
                                                     st.lists(st.sampled_from(_CHECK_LINKS), max_size=8))
                                    for name in _CHECK_PAGES}))
def test_link_check_agrees_with_resolving_each_link_on_its_own(pages):
    """The check settles most links from shared verdicts (a root link once for all pages, a
    relative one through its root form); it must flag exactly the links a plain resolver does."""
    from explainer.check import _PageScan, check_scanned
    scans = {name: _PageScan(ids, [], links) for name, (ids, links) in pages.items()}
    found = set()
    for problem in check_scanned(scans, set(pages)):
        link = problem.message.split("'")[1]
        found.add((problem.where.path.removeprefix("site/"), link))
    assert found == _oracle_broken(pages)


def test_parallel_build_matches_the_in_process_build_byte_for_byte(project: Path, tmp_path: Path):
    """Enough articles for linking and rendering to fork their workers (the real site is too small
    to), and the same site as one process makes: page order, search postings, scans and all."""
    from explainer.jobs import PARALLEL_MIN_ARTICLES
    from explainer.parallel import fork_imap
    from explainer.pipeline import BuildOptions, build
    from explainer.jobs import PARALLEL_MIN_PAGES
    if fork_imap(str, [1], 2, 1) is None:
        pytest.skip("no fork on this platform")
    count = max(PARALLEL_MIN_ARTICLES, PARALLEL_MIN_PAGES) + 20
    for number in range(count):
        (project / "seeds" / f"extra-{number:03d}.md").write_text(
            f'---\ntitle: "Extra {number}"\nslug: extra-{number:03d}\npublished: "2024-{number % 12 + 1:02d}"\n---\n\n'
            f"Lovelace met Babbage in London, day {number}. The Engine *turned* [again](../engines/).\n\n"
            f"- Babbage\n- the Countess, {number % 7}\n", encoding="utf-8")
    options = dict(root=project, fingerprint=False, theme=REPO)
    build(BuildOptions(out=tmp_path / "one", jobs=1, **options))
    build(BuildOptions(out=tmp_path / "two", jobs=2, **options))
    assert sum(p.is_dir() for p in (tmp_path / "two" / "articles").iterdir()) == count + 1  # and "engines"
    assert tree_hash(tmp_path / "one") == tree_hash(tmp_path / "two")


def test_beside_returns_the_result_raises_the_error_and_stops_the_process_left_behind(tmp_path: Path):
    import time

    from explainer.parallel import beside
    with beside(lambda: ("made", os.getpid()), True) as finish:
        made, pid = finish()
    assert made == "made"  # (in another process wherever fork exists)
    with pytest.raises(ZeroDivisionError), beside(lambda: 1 / 0, True) as finish:
        finish()
    marker = tmp_path / "late"

    def slow():
        time.sleep(3)
        marker.write_text("written after the block was left")

    with beside(slow, True):
        pass  # not asked: the process is stopped on the way out
    time.sleep(3.5)
    assert not marker.exists()
    with pytest.raises(ChildProcessError, match="exit code 3"), beside(lambda: os._exit(3), True) as finish:
        finish()  # a process that dies without answering (killed for memory, say) does not hang the build
    ran = []
    with beside(lambda: ran.append(os.getpid()) or "here", False) as finish:
        assert not ran  # in this process, when asked
        assert finish() == "here" and ran == [os.getpid()]


def test_large_site_with_a_broken_link_fails_whole_while_its_index_is_written_apart(project: Path, tmp_path: Path):
    """On a large site the search index is written by a forked process during the link check: a
    broken link must still fail the build and leave the previous output as it was."""
    from explainer.errors import ContentError
    from explainer.pipeline import BuildOptions, build
    from explainer.jobs import PARALLEL_MIN_PAGES
    for number in range(PARALLEL_MIN_PAGES + 20):
        (project / "seeds" / f"extra-{number:03d}.md").write_text(
            f'---\ntitle: "Extra {number}"\nslug: extra-{number:03d}\n---\n\nLovelace, day {number}.\n',
            encoding="utf-8")
    out = tmp_path / "out"
    options = dict(root=project, out=out, jobs=2, fingerprint=False, theme=REPO)
    build(BuildOptions(**options))
    before = tree_hash(out)
    assert (out / "search-index" / "meta.json").is_file()
    (project / "seeds" / "extra-007.md").write_text('---\ntitle: "Extra 7"\nslug: extra-007\n---\n\n'
                                                    "See [nowhere](/no-such-page/).\n", encoding="utf-8")
    with pytest.raises(ContentError) as failed:
        build(BuildOptions(**options))
    assert any("no-such-page" in problem.message for problem in failed.value.problems)
    assert tree_hash(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "proj"]  # no staging folder left behind


def test_a_worker_that_dies_fails_the_build_instead_of_hanging_it():
    """A worker killed mid-build (for memory, say) must end the build with an error; a
    multiprocessing Pool would start another worker and wait for the lost result for ever."""
    import multiprocessing
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    script = ("import os, sys; sys.path.insert(0, '.'); from explainer.parallel import fork_imap\n"
              "results = fork_imap(lambda i: os._exit(3) if i == 7 else i, list(range(40)), 2, 1)\n"
              "if results is not None: list(results)\n")
    try:
        proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the parent waited for ever for the dead worker's result")
    assert proc.returncode != 0 and "BrokenProcessPool" in proc.stderr, proc.stderr


@pytest.mark.parametrize("failure", ["pool", "child"])
def test_a_killed_build_process_is_reported_as_such_not_as_a_bug(capsys, failure: str):
    from concurrent.futures.process import BrokenProcessPool

    from helpers import build_cli
    error = BrokenProcessPool("terminated abruptly") if failure == "pool" else ChildProcessError("exit code -9")

    def killed():
        raise error

    with pytest.raises(SystemExit) as finished:
        build_cli.run_guarded(False, killed)
    assert finished.value.code == 70
    said = capsys.readouterr().err
    assert "stopped from outside" in said and "-j 1" in said and "bug" not in said


def test_fork_imap_keeps_order_and_stays_in_process_when_small():
    from explainer.parallel import fork_imap, fork_map
    items = list(range(57))
    forked = fork_imap(lambda x: x * x, items, 2, 10)
    if forked is not None:
        assert list(forked) == [x * x for x in items]
    assert fork_imap(str, items, 2, 100) is None and fork_map(str, items, 1, 1) is None


def test_article_source_line_shows_publication_date_precision_and_who_wrote_the_title(cli, site: Path, project: Path):
    line = parse(site / "articles/engines/index.html").css_first(".source-line")
    assert [s.text().strip() for s in line.css("span")] == ["Source: Test Weekly, published September 2024"]
    assert line.css_first("time").attributes["datetime"] == "2024-09"

    # A desk-written title and a publication day known only within a range: the label says both, and
    # no machine-readable date claims a day (or month) the range does not fix.
    edit(project / "seeds/engines.txt", "published: 2024-09\n",
         'published: "2024-10-25/2024-11-04"\ntitle_by: the explainer desk\n')
    assert cli("build").exit_code == 0
    page = parse(project / "site/articles/engines/index.html")
    spans = [s.text().strip() for s in page.css(".source-line span")]
    assert spans == ["Source: Test Weekly, published between 25 October and 4 November 2024",
                     "title by the explainer desk"]
    assert page.css_first(".source-line time").attributes["datetime"] == "2024"
    ld = json.loads(page.css_first('script[type="application/ld+json"]').text())
    assert ld["datePublished"] == "2024"


def test_key_point_cites_each_paragraph_once(cli, project: Path):
    edit(project / "content/site.yaml", '''        excerpt: "Ada Lovelace wrote the first published program"''',
         '''        excerpt: "Ada Lovelace wrote the first published program"
      - seed: engines
        excerpt: "in London"
      - seed: engines
        excerpt: "Babbage agreed."''')
    assert cli("build").exit_code == 0
    cites = parse(project / "site/index.html").css(".key-points .cite a")
    assert [a.text() for a in cites] == ["¶1", "¶2"]
    assert cites[0].attributes["title"] == "Ada Lovelace wrote the first published program … in London"


def test_event_time_element_claims_no_day_or_month_a_date_range_leaves_open():
    from types import SimpleNamespace
    from explainer.dates import parse_date
    from explainer.pages import _iso
    iso = {text: _iso(SimpleNamespace(date=parse_date(text)))
           for text in ("2024-09-28", "2023-06?", "2023-09-08/2023-09-09", "2022-10/2022-12",
                        "2024-10-20/2024-11-04", "2021/2023")}
    assert iso == {"2024-09-28": "2024-09-28", "2023-06?": "2023-06", "2023-09-08/2023-09-09": "2023-09",
                   "2022-10/2022-12": "2022", "2024-10-20/2024-11-04": "2024", "2021/2023": "2021"}


def test_whos_who_sorts_people_by_family_name(site: Path):
    page = parse(site / "entities/index.html")
    assert [a.text() for a in page.css("#person ~ ul.entity-list a.name")][:2] == ["Charles Babbage", "Ada Lovelace"]


@pytest.mark.parametrize("name, sort_name, key", [
    ("Elon Musk", "", "musk elon"), ("Joshua Ian Rosenstein", "", "rosenstein joshua ian"),
    ("former US national security official", "", "former us national security official"),
    ("Democratic member of Congress", "", "democratic member of congress"),
    ("Xi Jinping", "Xi Jinping", "xi jinping"), ("Madonna", "", "madonna")])
def test_person_sort_key(name, sort_name, key):
    from explainer.errors import Location
    from explainer.model import Entity

    person = Entity("x", name, "person", "", Location("f", 1, 1), sort_name=sort_name)
    assert person.sort_key == key
