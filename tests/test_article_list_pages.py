"""The list of articles is paged past ARTICLES_PER_PAGE (issue 22: 20,000 articles made one 2.5 MB
page): every article on exactly one page, newest first, each page linked from every other, and
the preview adds and removes pages as a clean build does."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import MINI, own_theme, parse, tree_hash

import explainer.pages as pages
from explainer.engine import BuildOptions
from explainer.pipeline import build
from explainer.reuse.session import Session

PER_PAGE = 3


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(pages, "ARTICLES_PER_PAGE", PER_PAGE)


def _project(root: Path, reports: int) -> Path:
    project = root / "proj"
    shutil.copytree(MINI, project)
    own_theme(project)
    for number in range(reports):
        _add_report(project, number)
    return project


def _add_report(project: Path, number: int) -> Path:
    path = project / "seeds" / f"report-{number}.txt"
    path.write_text(f"---\ntitle: Report {number}\npublished: \"2020-01-{number + 1:02d}\"\n---\n"
                    f"Report {number} says nothing new.\n", encoding="utf-8")
    return path


def _lists(out: Path) -> list[Path]:
    found = [out / "articles" / "index.html"]
    found += sorted((out / "articles" / "page").glob("*/index.html"), key=lambda p: int(p.parent.name))
    return found


def test_every_article_is_on_one_page_newest_first(small_pages, tmp_path: Path):
    project = _project(tmp_path, 7)  # and the mini article (September 2024, the newest): 8 articles, 3 pages
    out = tmp_path / "site"
    build(BuildOptions(root=project, out=out, jobs=1))
    lists = _lists(out)
    assert [p.parent.relative_to(out).as_posix() for p in lists] == ["articles", "articles/page/2", "articles/page/3"]
    titles = []
    for number, path in enumerate(lists, start=1):
        page = parse(path)
        rows = [a.text() for a in page.css("ol.article-list > li > a")]
        assert 1 <= len(rows) <= PER_PAGE
        assert page.css_first("ol.article-list").attributes.get("start") == (None if number == 1 else str((number - 1) * PER_PAGE + 1))
        pager = page.css_first("nav.pager")
        current = pager.css_first("a[aria-current=page]")
        assert current.text() == str(number)
        assert [a.text() for a in pager.css("li > a:not([rel])")] == ["1", "2", "3"]
        assert (pager.css_first("a[rel=prev]") is None) == (number == 1)
        assert (pager.css_first("a[rel=next]") is None) == (number == len(lists))
        assert page.css_first("title").text().startswith(f"Articles, page {number} of 3")
        titles += rows
    assert titles == ["Engines of London"] + [f"Report {n}" for n in range(6, -1, -1)]


def test_one_page_needs_no_pager(tmp_path: Path):
    project = _project(tmp_path, 2)
    out = tmp_path / "site"
    build(BuildOptions(root=project, out=out, jobs=1))
    assert _lists(out) == [out / "articles" / "index.html"]
    page = parse(out / "articles" / "index.html")
    assert page.css_first("nav.pager") is None and page.css_first("title").text().startswith("Articles")


def test_the_preview_adds_and_removes_list_pages_as_a_build_does(small_pages, tmp_path: Path):
    project = _project(tmp_path, 5)  # 6 articles: 2 pages
    options = dict(fingerprint=False, search=False, jobs=1)
    session = Session(BuildOptions(root=project, out=tmp_path / "site", **options))
    session.build_all()
    added = _add_report(project, 5)  # 7 articles: a third page
    session.rebuild({added})
    build(BuildOptions(root=project, out=tmp_path / "fresh", **options))
    assert (tmp_path / "site" / "articles" / "page" / "3" / "index.html").is_file()
    assert tree_hash(tmp_path / "site") == tree_hash(tmp_path / "fresh")
    added.unlink()  # back to 2 pages: the third goes, with its folder
    session.rebuild({added})
    shutil.rmtree(tmp_path / "fresh")
    build(BuildOptions(root=project, out=tmp_path / "fresh", **options))
    assert not (tmp_path / "site" / "articles" / "page" / "3").exists()
    assert tree_hash(tmp_path / "site") == tree_hash(tmp_path / "fresh")
