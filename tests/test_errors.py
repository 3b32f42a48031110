"""Every kind of content mistake: exit 1, `file:line:col: error: message (hint)`, no traceback,
and the previous site/ left exactly as it was."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, edit, tree_hash


@pytest.fixture
def built(cli, project: Path) -> Path:
    """The fixture project built once, so each test can prove a failed build leaves it untouched."""
    result = cli("build")
    assert result.exit_code == 0, result.output
    return project / "site"


def fails_with(cli, site: Path, *expected: str) -> str:
    before = tree_hash(site)
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for line in expected:
        assert line in result.stderr.splitlines(), f"{line!r} not in:\n{result.stderr}"
    assert tree_hash(site) == before
    return result.stderr


def test_yaml_syntax_error_points_at_the_spot(cli, project, built):
    edit(project / "content/entities.yaml", 'aliases: ["Babbage"]', 'aliases: ["Babbage"')
    fails_with(cli, built, "content/entities.yaml:14:3: error: YAML syntax error: did not find expected ',' or ']' "
                           "(the flow sequence opened at line 13, column 12 is never closed)")


def test_tab_indentation_is_explained(cli, project, built):
    edit(project / "content/entities.yaml", "  kind: person\n  aliases: [\"Babbage\"]", "  kind: person\n\taliases: [\"Babbage\"]")
    err = fails_with(cli, built)
    assert "content/entities.yaml:13:1: error: YAML syntax error" in err and "tabs" in err


def test_duplicate_key(cli, project, built):
    edit(project / "content/entities.yaml", "  kind: place\n", "  kind: place\n  kind: person\n")
    err = fails_with(cli, built)
    assert "content/entities.yaml:" in err and "duplicate key" in err


def test_missing_required_field(cli, project, built):
    edit(project / "content/entities.yaml", "  kind: person\n  aliases: [\"Lovelace\"", "  aliases: [\"Lovelace\"")
    fails_with(cli, built, "content/entities.yaml:2:3: error: missing required key 'kind'")


def test_mistyped_field(cli, project, built):
    edit(project / "content/entities.yaml", 'aliases: ["Babbage"]', 'aliases: Babbage')
    fails_with(cli, built, "content/entities.yaml:13:12: error: 'aliases' must be a list, not text "
                           "(a list is written as lines starting with '- ' or as [a, b])")


def test_unknown_key_suggests_the_right_one(cli, project, built):
    edit(project / "content/entities.yaml", "  summary: Capital", "  sumary: Capital")
    fails_with(cli, built, "content/entities.yaml:23:3: error: unknown key 'sumary' (did you mean 'summary'?)",
               "content/entities.yaml:20:3: error: missing required key 'summary'")


def test_unknown_kind_suggests(cli, project, built):
    edit(project / "content/entities.yaml", "kind: place", "kind: plase")
    fails_with(cli, built, "content/entities.yaml:22:9: error: unknown kind 'plase' (did you mean 'place'?)")


def test_invalid_id(cli, project, built):
    edit(project / "content/entities.yaml", "id: london", "id: ../London")
    fails_with(cli, built, "content/entities.yaml:20:7: error: '../London' is not a valid id "
                           "(ids are lowercase words joined by hyphens, such as 'london')")


def test_duplicate_ids(cli, project, built):
    edit(project / "content/entities.yaml", "id: london", "id: charles-babbage")
    fails_with(cli, built, "content/entities.yaml:20:3: error: duplicate entity id 'charles-babbage' "
                           "(first defined at content/entities.yaml:10:3)")


def test_unknown_reference_did_you_mean(cli, project, built):
    edit(project / "content/timeline.yaml", "entities: [ada-lovelace, analytical-engine]",
         "entities: [ada-lovelac, analytical-engine]")
    fails_with(cli, built, "content/timeline.yaml:6:14: error: unknown entity 'ada-lovelac' (did you mean 'ada-lovelace'?)")


def test_unknown_wikilink(cli, project, built):
    edit(project / "content/entities.yaml", "[[charles-babbage]]", "[[charles-babage]]")
    fails_with(cli, built, "content/entities.yaml:8:51: error: unknown link target [[charles-babage]] "
                           "(did you mean 'charles-babbage'?)")


def test_malformed_date(cli, project, built):
    edit(project / "content/timeline.yaml", 'date: "1843"', 'date: "1843-13"')
    err = fails_with(cli, built)
    assert "content/timeline.yaml:2:9: error: invalid date: '1843-13' is not a valid date" in err


def test_excerpt_not_verbatim_explains_quote_marks(cli, project, built):
    edit(project / "content/glossary.yaml", 'excerpt: "first published program"', "excerpt: \"Lovelace's notes\"")
    fails_with(cli, built, "content/glossary.yaml:6:7: error: excerpt is not verbatim in seed 'engines' "
                           "(p3 has it with different quote marks, dashes or spaces; copy the text exactly, "
                           "with curly quotes (’ “ ”) as in the seed)")


def test_quote_not_verbatim(cli, project, built):
    edit(project / "content/quotes.yaml", "weaves algebraic", "weaves the algebraic")
    fails_with(cli, built, "content/quotes.yaml:1:3: error: quote 'q1' is not verbatim in seed 'engines' "
                           "(closest paragraph is p2 (line 8))")


def test_duplicate_alias_across_entities(cli, project, built):
    edit(project / "content/entities.yaml", 'aliases: ["Babbage"]', 'aliases: ["Babbage", "Lovelace"]')
    fails_with(cli, built, "content/entities.yaml:13:24: error: alias 'Lovelace' of 'charles-babbage' is already "
                           "an alias of 'ada-lovelace' (an alias can link to one entry only (see content/entities.yaml:5:13))")


def test_unsafe_url_is_refused(cli, project, built):
    edit(project / "content/notes.yaml", "url: https://example.org/history", "url: javascript:alert(1)")
    fails_with(cli, built, "content/notes.yaml:7:12: error: unsupported URL 'javascript:alert(1)' "
                           "(external sources need an http:// or https:// URL)")


def test_all_problems_are_reported_at_once(cli, project, built):
    edit(project / "content/entities.yaml", "kind: place", "kind: plase")
    edit(project / "content/timeline.yaml", 'date: "1843"', 'date: "late"')
    edit(project / "content/quotes.yaml", "speaker: ada-lovelace", "speaker: ada")
    err = fails_with(cli, built)
    assert sum(": error: " in line for line in err.splitlines()) == 3


def test_missing_site_file(cli, project, built):
    (project / "content/site.yaml").unlink()
    fails_with(cli, built, "content/site.yaml: error: missing site settings file "
                           "(create content/site.yaml with at least a title)")


def test_real_process_prints_no_traceback(project):
    edit(project / "content/entities.yaml", "kind: place", "kind: plase")
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "build"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.splitlines()[0].startswith("content/entities.yaml:22:9: error: unknown kind 'plase'")


def test_check_reports_json_for_editors(cli, project):
    edit(project / "content/entities.yaml", "kind: place", "kind: plase")
    result = cli("check", "--format", "json")
    assert result.exit_code == 1
    import json
    problems = json.loads(result.stdout)
    assert problems == [{"path": "content/entities.yaml", "line": 22, "col": 9, "severity": "error",
                         "message": "unknown kind 'plase'", "hint": "did you mean 'place'?"}]


def test_check_strict_fails_on_editorial_warnings(cli):
    assert cli("check").exit_code == 0
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert "content/entities.yaml:5:25: warning: alias 'the Countess' of 'ada-lovelace' never matches the article text" \
        in strict.stderr.splitlines()


def test_usage_error_exits_2(cli):
    assert cli("check", "--format", "xml").exit_code == 2
