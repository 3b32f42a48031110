"""Incremental rebuilds re-render only what an edit affects, and end byte-identical to a clean build."""
from __future__ import annotations

from pathlib import Path

import pytest

from explainer.errors import ContentError
from explainer.reuse.session import Session
from explainer.pipeline import BuildOptions, build
from helpers import edit, own_theme, tree_hash


@pytest.fixture
def live(project: Path, tmp_path: Path) -> Session:
    """A session over the mini project, with its own copy of the templates and static files."""
    own_theme(project)
    session = Session(BuildOptions(root=project, out=tmp_path / "live", fingerprint=False, search=False, jobs=1))
    session.build_all()
    return session


ALL_DATA = ("timeline.json", "timeline.csv", "entities.json", "entities.csv", "glossary.json", "graph.json")
CITING_DATA = ("timeline.json", "timeline.csv", "glossary.json")  # their sources point to ¶ of the seeds


def clean_build_matches(session: Session, tmp_path: Path) -> None:
    """A from-scratch build of the same sources writes exactly the same files."""
    fresh = tmp_path / "fresh"
    build(BuildOptions(root=session.options.root, out=fresh, fingerprint=False, search=False, jobs=1))
    assert tree_hash(session.options.out) == tree_hash(fresh)


def test_one_paragraph_seed_edit(live: Session, project: Path, tmp_path: Path):
    edit(project / "seeds/engines.txt", "agreed.", "agreed, in London.")
    report = live.rebuild({project / "seeds/engines.txt"})
    assert not report.full
    # the article, the entity newly mentioned there, the pages that count mentions, the pages showing
    # snippets of the article and the timeline (it cites the article's ¶ numbers); not the lists of
    # articles and the feed (title, date and summary are unchanged)
    assert set(report.outputs) == {
        "articles/engines/index.html", "entities/london/index.html", "entities/index.html", "index.html",
        "map/index.html", "glossary/index.html", "timeline/index.html"} | {
        f"entities/{e}/index.html" for e in ("ada-lovelace", "analytical-engine", "charles-babbage")} | {
        f"data/{name}" for name in ALL_DATA}  # mention counts, ties, and the ¶ the excerpts point to
    clean_build_matches(live, tmp_path)


def test_rewording_that_changes_no_mention_skips_the_site_wide_pages(live: Session, project: Path, tmp_path: Path):
    edit(project / "seeds/engines.txt", "outlived", "survived")
    report = live.rebuild({project / "seeds/engines.txt"})
    # the article, the timeline (it cites the article) and the entity pages showing snippets of
    # it; no glossary, map, home page, lists or feed
    assert set(report.outputs) == {"articles/engines/index.html", "timeline/index.html"} | {
        f"entities/{e}/index.html" for e in ("ada-lovelace", "analytical-engine", "charles-babbage", "london")} | {
        f"data/{name}" for name in CITING_DATA}
    clean_build_matches(live, tmp_path)


def test_new_title_updates_the_lists_of_articles(live: Session, project: Path, tmp_path: Path):
    edit(project / "seeds/engines.txt", "title: Engines of London", "title: The Engines of London")
    report = live.rebuild({project / "seeds/engines.txt"})
    assert {"articles/index.html", "feed.xml", "index.html", "glossary/index.html"} <= set(report.outputs)
    clean_build_matches(live, tmp_path)


def test_entity_summary_edit_rerenders_only_its_dependants(live: Session, project: Path, tmp_path: Path):
    edit(project / "content/entities.yaml", "summary: Capital city", "summary: The capital city")
    report = live.rebuild({project / "content/entities.yaml"})
    # London's page, and every page that embeds London's preview card or shows its summary
    assert set(report.outputs) == {"entities/london/index.html", "articles/engines/index.html",
                                   "entities/index.html", "entities/ada-lovelace/index.html", "timeline/index.html",
                                   "map/index.html", "index.html"} - {"timeline/index.html"} | {
        f"data/{name}" for name in ALL_DATA}  # the summary is in entities.*; names in them all
    clean_build_matches(live, tmp_path)


def test_entity_description_edit_touches_one_page(live: Session, project: Path, tmp_path: Path):
    edit(project / "content/entities.yaml", "    Wrote notes on", "    Wrote famous notes on")
    report = live.rebuild({project / "content/entities.yaml"})
    assert report.outputs == ("data/entities.csv", "data/entities.json", "entities/ada-lovelace/index.html")
    clean_build_matches(live, tmp_path)


def test_event_quote_note_and_term_edits(live: Session, project: Path, tmp_path: Path):
    edit(project / "content/timeline.yaml", "title: Lovelace publishes her notes", "title: Lovelace publishes notes")
    report = live.rebuild({project / "content/timeline.yaml"})
    assert "timeline/index.html" in report.outputs and "articles/engines/index.html" in report.outputs
    assert "entities/charles-babbage/index.html" not in report.outputs
    clean_build_matches(live, tmp_path)
    edit(project / "content/quotes.yaml", "context: Writing in 1843.", "context: Writing in her notes.")
    assert live.rebuild({project / "content/quotes.yaml"}).outputs == ("entities/ada-lovelace/index.html",)
    clean_build_matches(live, tmp_path)
    edit(project / "content/notes.yaml", "Historians debate", "Some historians debate")
    assert live.rebuild({project / "content/notes.yaml"}).outputs == ("articles/engines/index.html",)
    clean_build_matches(live, tmp_path)
    edit(project / "content/glossary.yaml", "A precise list", "An exact list")
    report = live.rebuild({project / "content/glossary.yaml"})
    # …and the data files whose markdown may link the term (by its name)
    assert set(report.outputs) == {"glossary/index.html", "articles/engines/index.html"} | {
        f"data/{name}" for name in ALL_DATA if name != "graph.json"}
    clean_build_matches(live, tmp_path)


def test_template_edit_rerenders_pages_using_it(live: Session, project: Path, tmp_path: Path):
    # a partial that entity.html includes: the pages of the template that includes it
    edit(project / "templates/partials/entity-facts.html", "At a glance", "In brief")
    report = live.rebuild({project / "templates/partials/entity-facts.html"})
    assert set(report.outputs) == {f"entities/{e}/index.html"
                                   for e in ("ada-lovelace", "charles-babbage", "analytical-engine", "london")}
    clean_build_matches(live, tmp_path)
    edit(project / "templates/base.html", "Skip to content", "Skip to the content")
    assert live.rebuild({project / "templates/base.html"}).rendered == 14  # every HTML page
    clean_build_matches(live, tmp_path)


def test_css_edit_rewrites_the_stylesheet_and_no_page(live: Session, project: Path, tmp_path: Path):
    edit(project / "static/style.css", "--radius: 6px;", "--radius: 8px;")
    report = live.rebuild({project / "static/style.css"})
    assert report.rendered == 0
    assert "--radius: 8px;" in (live.options.out / "static/style.css").read_text()
    clean_build_matches(live, tmp_path)


def test_new_alias_rebuilds_everything(live: Session, project: Path, tmp_path: Path):
    edit(project / "content/entities.yaml", 'aliases: ["Babbage"]', 'aliases: ["Babbage", "agreed"]')
    assert live.rebuild({project / "content/entities.yaml"}).full
    clean_build_matches(live, tmp_path)


def test_broken_edit_keeps_last_good_site_then_recovers(live: Session, project: Path, tmp_path: Path):
    before = tree_hash(live.options.out)
    edit(project / "content/quotes.yaml", "weaves algebraic", "weaves the algebraic")
    with pytest.raises(ContentError) as error:
        live.rebuild({project / "content/quotes.yaml"})
    assert "not verbatim" in error.value.problems[0].message
    assert tree_hash(live.options.out) == before
    edit(project / "content/quotes.yaml", "weaves the algebraic", "weaves algebraic")
    live.rebuild({project / "content/quotes.yaml"})
    clean_build_matches(live, tmp_path)


def test_removed_entity_page_is_deleted(live: Session, project: Path, tmp_path: Path):
    text = (project / "content/entities.yaml").read_text()
    (project / "content/entities.yaml").write_text(text.split("- id: london")[0])
    live.rebuild({project / "content/entities.yaml"})
    assert not (live.options.out / "entities/london/index.html").exists()
    clean_build_matches(live, tmp_path)


def test_new_relation_shows_on_both_pages(live: Session, project: Path, tmp_path: Path):
    edit(project / "content/entities.yaml", "  summary: Capital city", "  related: [analytical-engine]\n  summary: Capital city")
    report = live.rebuild({project / "content/entities.yaml"})
    assert {"entities/london/index.html", "entities/analytical-engine/index.html"} <= set(report.outputs)
    clean_build_matches(live, tmp_path)


def test_pages_open_in_the_browser_are_written_first(live: Session, project: Path, tmp_path: Path):
    """A template edit rewrites the page being viewed first, then the rest, and says when."""
    edit(project / "templates/entity.html", '<article class="entity">', '<article class="entity"><!-- edited -->')
    seen_on_disk: list[tuple[str, ...]] = []

    def first_write(outputs: tuple[str, ...]) -> None:
        # at this moment the viewed page is new and the other entity pages are not yet
        out = live.options.out
        assert "<!-- edited -->" in (out / "entities/london/index.html").read_text()
        assert "<!-- edited -->" not in (out / "entities/ada-lovelace/index.html").read_text()
        seen_on_disk.append(outputs)

    report = live.rebuild({project / "templates/entity.html"}, viewing=("entities/london/index.html", "index.html"),
                          on_first_write=first_write)
    assert seen_on_disk == [("entities/london/index.html",)]
    assert report.first_outputs == ("entities/london/index.html",)
    assert 0 < report.first_milliseconds <= report.milliseconds
    assert len(report.outputs) == 4  # every entity page was still re-rendered
    clean_build_matches(live, tmp_path)


def test_without_a_viewer_the_edited_article_comes_first(live: Session, project: Path, tmp_path: Path):
    edit(project / "seeds/engines.txt", "agreed.", "agreed, in London.")
    calls: list[tuple[str, ...]] = []
    report = live.rebuild({project / "seeds/engines.txt"}, on_first_write=calls.append)
    assert calls == [("articles/engines/index.html",)] == [report.first_outputs]
    clean_build_matches(live, tmp_path)


def test_added_and_removed_seed_files_are_noticed_from_the_watcher_report(live: Session, project: Path,
                                                                          tmp_path: Path):
    """Rebuilds trust the watcher's list of changed paths (no stat of every file), so a new or
    deleted file must still be picked up when it is the path reported."""
    second = project / "seeds/second.txt"
    second.write_text("---\ntitle: A second piece\nslug: second\npublication: Test Weekly\npublished: 2024-10\n"
                      "---\nBabbage drew plans in London.\n", encoding="utf-8")
    report = live.rebuild({second})
    assert "articles/second/index.html" in report.outputs
    clean_build_matches(live, tmp_path)
    edit(second, "drew plans", "drew more plans")
    assert "articles/second/index.html" in live.rebuild({second}).outputs
    assert "drew more plans" in (live.options.out / "articles/second/index.html").read_text()
    second.unlink()
    live.rebuild({second})
    assert not (live.options.out / "articles/second/index.html").exists()
    clean_build_matches(live, tmp_path)


def test_a_whole_folder_reported_is_listed_again(live: Session, project: Path, tmp_path: Path):
    """Some editors and tools report the folder rather than the file (a move, a checkout)."""
    (project / "seeds/engines.txt").rename(project / "seeds/renamed.txt")
    live.rebuild({project / "seeds"})
    assert (live.options.out / "articles/engines/index.html").exists()  # same slug, new file name
    clean_build_matches(live, tmp_path)


def test_alias_change_during_an_error_relinks_with_the_new_aliases(live: Session, project: Path, tmp_path: Path):
    """Found by the edit-sequence property test: with a content error pending, an entity turned
    draft and then a new seed naming it crashed the linker (it still used the old aliases)."""
    edit(project / "content/quotes.yaml", "weaves algebraic", "weaves the algebraic")
    with pytest.raises(ContentError):
        live.rebuild({project / "content/quotes.yaml"})
    edit(project / "content/entities.yaml", "- id: london\n", "- id: london\n  draft: true\n")
    with pytest.raises(ContentError):
        live.rebuild({project / "content/entities.yaml"})
    (project / "seeds/second.txt").write_text("---\ntitle: Second\nslug: second\n---\nBabbage drew plans in London.\n",
                                              encoding="utf-8")
    with pytest.raises(ContentError):  # still the quote, reported as such: no crash
        live.rebuild({project / "seeds/second.txt"})
    edit(project / "content/quotes.yaml", "weaves the algebraic", "weaves algebraic")
    live.rebuild({project / "content/quotes.yaml"})
    page = (live.options.out / "articles/second/index.html").read_text()
    assert "London" in page and "entities/london/" not in page  # a draft is not linked
    clean_build_matches(live, tmp_path)


def test_a_seed_added_while_linking_fails_gets_its_page_once_fixed(live: Session, project: Path, tmp_path: Path):
    """Rebuilds reuse the last good build's page list while the articles are the same; a failed
    rebuild that already saw a new seed must not make the next one think so."""
    edit(project / "content/quotes.yaml", "weaves algebraic", "weaves the algebraic")
    (project / "seeds/second.txt").write_text("---\ntitle: Second\nslug: second\n---\nBabbage drew plans.\n",
                                              encoding="utf-8")
    with pytest.raises(ContentError):  # the seed was read and linked; the quote failed
        live.rebuild({project / "content/quotes.yaml", project / "seeds/second.txt"})
    edit(project / "content/quotes.yaml", "weaves the algebraic", "weaves algebraic")
    report = live.rebuild({project / "content/quotes.yaml"})
    assert "articles/second/index.html" in report.outputs
    clean_build_matches(live, tmp_path)


def test_pages_follow_their_changing_dependencies_over_many_edits(live: Session, project: Path, tmp_path: Path):
    """Which pages depend on what is indexed once and then updated: a page that starts or stops
    mentioning an entity is re-rendered when that entity changes, edit after edit."""
    seed, entities = project / "seeds/engines.txt", project / "content/entities.yaml"
    for round_ in range(3):
        edit(seed, "agreed.", "agreed, in London.")
        live.rebuild({seed})
        edit(entities, "summary: Capital city", f"summary: Capital city {round_}")
        assert "articles/engines/index.html" in live.rebuild({entities}).outputs  # its card is on the page
        clean_build_matches(live, tmp_path)
        edit(seed, "agreed, in London.", "agreed.")
        live.rebuild({seed})
        edit(entities, f"summary: Capital city {round_}", "summary: Capital city")
        live.rebuild({entities})
        clean_build_matches(live, tmp_path)


def test_a_broken_link_in_an_edit_is_caught_by_the_rebuild_link_check(live: Session, project: Path, tmp_path: Path):
    """The link check remembers where each link leads between rebuilds; a new broken link, or a
    broken #anchor on a known page, is still reported at once, and the site on disk is untouched."""
    before = tree_hash(live.options.out)
    template = project / "templates/entity.html"
    for bad, message in (('<a href="/nowhere/">x</a>', "broken link '/nowhere/': no such page"),
                         ('<a href="/entities/london/#nope">x</a>', "no element with id 'nope'"),
                         ('<a href="../nobody/#p1">x</a>', "broken link '../nobody/#p1': no such page")):
        original = template.read_text()
        edit(template, '<article class="entity">', f'<article class="entity">{bad}')
        with pytest.raises(ContentError) as error:
            live.rebuild({template})
        assert any(message in p.message for p in error.value.problems), error.value.problems
        assert tree_hash(live.options.out) == before
        template.write_text(original)
    live.rebuild({template})
    clean_build_matches(live, tmp_path)


@pytest.mark.parametrize("source", [
    '{% extends "base.html" %}{% block x %}{% include "partials/a.html" %}{% endblock %}',
    "{%- include 'a.html' -%}{%+ import \"macros.html\" as m %}",
    '{% from "forms.html" import field, label with context %}',
    '{% include ["first.html", "second.html"] ignore missing %}',
    '{% include name %}{% include "x" ~ suffix %}{% extends layout if layout else "base.html" %}',
    '{% if a %}{% include "in-if.html" %}{% endif %}{{ "include \\"no.html\\"" }}',
    '{% include "broken.html" %}{% if %}',
])
def test_template_references_are_jinjas_own(source: str):
    """Which templates a template uses is Jinja's own analysis (a syntax error: none, reported on render)."""
    from jinja2 import Environment, TemplateSyntaxError, meta

    from explainer.reuse.templates import referenced_templates

    env = Environment()
    try:
        expected = set(meta.find_referenced_templates(env.parse(source))) - {None}
    except TemplateSyntaxError:
        expected = set()
    assert referenced_templates(env, source) == expected


def test_a_broken_seed_stays_reported_while_other_files_are_saved(live: Session, project: Path, tmp_path: Path):
    """Rebuilds reuse the last list of loaded seeds and re-read only reported files; a seed that
    failed to load must still be read (and reported) again on every rebuild until it is fixed."""
    seed, entities = project / "seeds/engines.txt", project / "content/entities.yaml"
    edit(seed, "title: Engines of London", "title: [Engines of London")
    with pytest.raises(ContentError) as first:
        live.rebuild({seed})
    assert any(p.where.path == "seeds/engines.txt" for p in first.value.problems)
    edit(entities, "summary: Capital city", "summary: The capital city")
    with pytest.raises(ContentError) as second:
        live.rebuild({entities})
    assert [p.format() for p in second.value.problems] == [p.format() for p in first.value.problems]
    edit(seed, "title: [Engines of London", "title: Engines of London")
    live.rebuild({seed})
    clean_build_matches(live, tmp_path)


def test_consecutive_template_saves_rerender_the_viewed_page_from_its_kept_plan(live: Session, project: Path,
                                                                               tmp_path: Path):
    """The page in view keeps its plan while only templates change; each save still shows."""
    template, page = project / "templates/entity.html", "entities/london/index.html"
    for round_ in range(3):
        edit(template, '<article class="entity">', f'<article class="entity"><!-- save {round_} -->')
        report = live.rebuild({template}, viewing=(page,))
        assert report.first_outputs == (page,)
        assert f"<!-- save {round_} -->" in (live.options.out / page).read_text()
        assert ("entity", "london") in live.builder.kept_plans
        edit(template, f'<article class="entity"><!-- save {round_} -->', '<article class="entity">')
    live.rebuild({template}, viewing=(page,))
    clean_build_matches(live, tmp_path)
    edit(project / "content/entities.yaml", "summary: Capital city", "summary: The capital city")
    live.rebuild({project / "content/entities.yaml"}, viewing=(page,))  # new content: planned again
    assert "The capital city" in (live.options.out / page).read_text()
    clean_build_matches(live, tmp_path)


def test_a_new_kind_that_changes_which_mention_a_crowded_paragraph_links(project: Path, tmp_path: Path):
    """An entity's kind ranks it when a paragraph has more candidates than room, so changing it
    can change the links of articles whose text did not change (here ¶2 links "Engine" until
    Babbage becomes a person, who outranks it): they are linked again, and the pages rebuilt."""
    babbage = "- id: charles-babbage\n  name: Charles Babbage\n  kind: "
    with (project / "content/site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("linking:\n  max_per_paragraph: 1\n")
    edit(project / "content/entities.yaml", babbage + "person", babbage + "place")
    own_theme(project)
    session = Session(BuildOptions(root=project, out=tmp_path / "live", fingerprint=False, search=False, jobs=1))
    session.build_all()
    edit(project / "content/entities.yaml", babbage + "place", babbage + "person")
    session.rebuild({project / "content/entities.yaml"})
    clean_build_matches(session, tmp_path)


def test_a_saved_template_is_parsed_and_compiled_once_whichever_thread_comes_first(
        live: Session, project: Path, tmp_path: Path, monkeypatch):
    """The watcher's thread compiles a saved template ahead while the rebuild waits for the save
    to settle; the rebuild must neither compile it again nor parse it again to find what uses it,
    even when it starts while the compile ahead is still running (or before it)."""
    import threading

    env = live._environment()
    parsed: list[str] = []
    compiled: list[str] = []
    parse, compile_ = env._parse, env.compile
    monkeypatch.setattr(env, "_parse", lambda source, name, filename: parsed.append(name) or parse(source, name, filename))
    monkeypatch.setattr(env, "compile", lambda source, name=None, *a, **k: compiled.append(name) or compile_(source, name, *a, **k))
    template, page = project / "templates/entity.html", "entities/london/index.html"
    for round_ in range(3):
        parsed.clear(), compiled.clear()
        edit(template, '<article class="entity">', f'<article class="entity"><!-- save {round_} -->')
        ahead = threading.Thread(target=live.precompile, args=({template},))
        if round_ == 2:  # the rebuild starts first
            report = live.rebuild({template}, viewing=(page,))
            ahead.start()
        else:
            ahead.start()
            report = live.rebuild({template}, viewing=(page,))
        ahead.join()
        assert report.first_outputs == (page,)
        assert f"<!-- save {round_} -->" in (live.options.out / page).read_text()
        assert parsed == compiled == ["entity.html"]
        edit(template, f'<article class="entity"><!-- save {round_} -->', '<article class="entity">')
    live.rebuild({template})
    clean_build_matches(live, tmp_path)


def test_the_pages_that_merely_mention_an_edit_are_found_after_the_page_in_view_is_written(
        live: Session, project: Path, tmp_path: Path, monkeypatch):
    """Finding every dependant of a change costs milliseconds on a large site: the page in view
    is written first, then the rest is looked for (and still all re-rendered)."""
    from explainer.reuse.site import Site

    events: list[str] = []
    dependants_of = Site.dependants_of
    monkeypatch.setattr(Site, "dependants_of", lambda site, changed: events.append("dependants") or dependants_of(site, changed))
    edit(project / "content/entities.yaml", "summary: Capital city", "summary: The capital city")
    report = live.rebuild({project / "content/entities.yaml"}, viewing=("entities/ada-lovelace/index.html",),
                          on_first_write=lambda outputs: events.append("written"))
    assert events == ["written", "dependants"]
    assert report.first_outputs == ("entities/ada-lovelace/index.html", "entities/london/index.html")
    assert "articles/engines/index.html" in report.outputs
    clean_build_matches(live, tmp_path)


def test_fields_rendered_once_are_kept_while_their_links_come_out_the_same(live: Session, project: Path,
                                                                          tmp_path: Path):
    """Event bodies, notes and descriptions are rendered again only when what their [[id]] links
    say or where they lead may have changed (reuse/fields.py)."""
    renderer = live.builder.md
    edit(project / "seeds/engines.txt", "agreed.", "agreed, in London.")
    live.rebuild({project / "seeds/engines.txt"}, viewing=("articles/engines/index.html",))
    assert live.builder.md is renderer
    edit(project / "content/entities.yaml", "summary: Capital city", "summary: The capital city")
    live.rebuild({project / "content/entities.yaml"})
    assert live.builder.md is renderer  # a summary is no part of a link
    clean_build_matches(live, tmp_path)
    # Ada's name is what "[[ada-lovelace]]" says in the timeline and the key points
    edit(project / "content/entities.yaml", "name: Ada Lovelace", "name: Augusta Ada King")
    live.rebuild({project / "content/entities.yaml"})
    assert live.builder.md is not renderer
    clean_build_matches(live, tmp_path)
