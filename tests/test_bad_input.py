"""A corpus of broken inputs, one per kind of author mistake, in every content file and the seed.

Each case breaks one file of a freshly built copy of the mini fixture and asserts what an author
should see: exit code 1, no traceback, every problem on its own `file:line:col: error: message
(hint)` line (or `file: error: …` for a whole-file problem), the expected message (and position)
on the first line, and the previous site/ untouched.

Cases marked xfail are generator bugs: the test states the behaviour we want, not what happens.
Edge cases that are *accepted* (an empty collection file, a byte-order mark, symmetric `related`)
have their own tests at the end.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Union

import pytest

from helpers import tree_hash

Breakage = Union[Callable[[Path], None], bytes]

# One problem line: `path:line:col: severity: message` or, for a whole-file problem, `path: error: message`.
LOCATED = re.compile(r"^(?:content|seeds)/[^\s:]+:\d+:\d+: (?:error|warning): .+")
WHOLE_FILE = re.compile(r"^(?:content|seeds)/[^\s:]+: error: .+")
SUMMARY = re.compile(r"^\d+ error\(s\); nothing was written\.$")


class Absent(str):
    """An expected part that must NOT appear in the first problem line."""


# ---------------------------------------------------------------------------------------------
# How to break a file
# ---------------------------------------------------------------------------------------------

def sub(old: str | bytes, new: str | bytes) -> Callable[[Path], None]:
    """Replace the first occurrence of `old` (which must be there) with `new`, byte for byte."""
    old_b = old.encode() if isinstance(old, str) else old
    new_b = new.encode() if isinstance(new, str) else new

    def apply(path: Path) -> None:
        data = path.read_bytes()
        assert old_b in data, f"{old_b!r} not in {path}"
        path.write_bytes(data.replace(old_b, new_b, 1))

    return apply


def cut_after(marker: str) -> Callable[[Path], None]:
    """Truncate the file right after `marker`: a file cut off mid-token, as by a crashed editor."""
    marker_b = marker.encode()

    def apply(path: Path) -> None:
        data = path.read_bytes()
        at = data.find(marker_b)
        assert at >= 0, f"{marker!r} not in {path}"
        path.write_bytes(data[:at + len(marker_b)])

    return apply


def append(text: str) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        path.write_bytes(path.read_bytes() + text.encode())

    return apply


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        for step in steps:
            step(path)

    return apply


def many_aliases(path: Path) -> None:
    aliases = ", ".join(f'"Alias number {n}"' for n in range(10_000))
    sub('aliases: ["Babbage"]', f"aliases: [{aliases}]")(path)


def huge_summary(path: Path) -> None:
    sub("summary: Mathematician who wrote about the Analytical Engine.", "summary: " + "x" * 50_000)(path)


# ---------------------------------------------------------------------------------------------
# The corpus: (case id, file, breakage, expected substring(s) of the first problem line[, bug])
# A tuple of expected strings means "all of these" (an Absent one: "not this"); a bug string marks
# the case xfail(strict).
# ---------------------------------------------------------------------------------------------

E, T, G, Q, N, S, SEED = ("content/entities.yaml", "content/timeline.yaml", "content/glossary.yaml",
                          "content/quotes.yaml", "content/notes.yaml", "content/site.yaml", "seeds/engines.txt")

CASES: list[tuple] = [
    # ---- site.yaml ------------------------------------------------------------------------------
    ("site-truncated-mid-string", S, cut_after('- text: "[[ada-lovelac'),
     ("content/site.yaml:6:", "error: YAML syntax error", "line 6, column 11", "never closed")),
    ("site-empty", S, b"",
     ("content/site.yaml", "error:", "empty", "title")),
    ("site-comment-only", S, b"# nothing here yet\n",
     ("content/site.yaml", "error:", "empty", "title")),
    ("site-top-level-list", S, b"- title: Mini explainer\n",
     ("content/site.yaml:1:1: error:", "mapping", "not a list")),
    ("site-title-list", S, sub("title: Mini explainer", "title: [Mini, explainer]"),
     "content/site.yaml:1:8: error: 'title' must be text, not a list"),
    ("site-title-number", S, sub("title: Mini explainer", "title: 42"),
     "content/site.yaml:1:8: error: 'title' must be text, not a number"),
    ("site-description-map", S, sub("description: A tiny site used by the tests.", "description: {text: A tiny site}"),
     "content/site.yaml:2:14: error: 'description' must be text, not a mapping"),
    ("site-missing-title", S, sub("title: Mini explainer\n", ""),
     "content/site.yaml:1:1: error: missing required key 'title'"),
    ("site-tab-indentation", S, sub("    sources:", "\tsources:"),
     ("content/site.yaml:7:1: error: YAML syntax error", "tabs")),
    ("site-duplicate-key", S, sub("language: en\n", "language: en\nlanguage: fr\n"),
     ("content/site.yaml:5:1: error:", "duplicate key", "language")),
    ("site-non-utf8", S, sub("A tiny site", b"A tiny\xff\xfe site"),
     "content/site.yaml:2:20: error: file is not valid UTF-8 (byte 0xff) (save the file as UTF-8)"),
    ("site-second-document", S, append("---\ntitle: Another\n"),
     ("content/site.yaml:10:1: error:", "document", Absent("never closed"), Absent("but found"))),
    ("site-linking-bad-value", S, sub("language: en\n", "language: en\nlinking:\n  entities: sometimes\n"),
     ("content/site.yaml:6:13: error:", "'sometimes'", "paragraph, article, all")),
    ("site-linking-not-a-map", S, sub("language: en\n", "language: en\nlinking: paragraph\n"),
     "content/site.yaml:5:10: error: 'linking' must be a mapping of keys to values, not text"),
    ("site-key-point-no-text", S, sub('  - text: "[[ada-lovelace]] wrote about the [[analytical-engine|Engine]]."\n'
                                      '    sources:', "  - sources:"),
     "content/site.yaml:6:5: error: missing required key 'text'"),
    ("site-key-point-empty-text", S, sub('text: "[[ada-lovelace]] wrote about the [[analytical-engine|Engine]]."',
                                         'text: ""'),
     "content/site.yaml:6:11: error: 'text' must not be empty"),
    ("site-key-point-unknown-wikilink", S, sub("[[ada-lovelace]] wrote", "[[ada-lovelase]] wrote"),
     ("content/site.yaml:6:", "error: unknown link target [[ada-lovelase]] (did you mean 'ada-lovelace'?)")),
    ("site-base-url-javascript", S, sub("base_url: https://mini.example.org/", "base_url: javascript:alert(1)"),
     "content/site.yaml:3:11: error: base_url must be an http(s) URL or '/', not 'javascript:alert(1)'"),
    ("site-anchor-and-alias-scalar", S, sub("description: A tiny site used by the tests.\n",
                                            "description: &dek A tiny site used by the tests.\npublisher: *dek\n"),
     ("content/site.yaml:", "error: YAML anchors and aliases (&name / *name) are not supported")),

    # ---- entities.yaml ----------------------------------------------------------------------------
    ("entities-truncated-mid-list", E, cut_after('aliases: ["Babb'),
     ("content/entities.yaml:13:", "error: YAML syntax error", "line 13, column 13", "never closed")),
    ("entities-top-level-map", E, b"ada-lovelace:\n  name: Ada Lovelace\n",
     "content/entities.yaml:1:1: error: content/entities.yaml must be a list of entries, not a mapping "
     "(start each entry with '- id: ...')"),
    ("entities-tab-indentation", E, sub("  kind: product", "\tkind: product"),
     ("content/entities.yaml:17:1: error: YAML syntax error", "tabs")),
    ("entities-duplicate-key", E, sub("  name: London\n", "  name: London\n  name: Londres\n"),
     ("content/entities.yaml:22:3: error:", "duplicate key", "name")),
    ("entities-non-utf8", E, sub("Mathematician who", b"Mathematician\xff\xfe who"),
     "content/entities.yaml:6:25: error: file is not valid UTF-8 (byte 0xff)"),
    ("entities-aliases-map", E, sub('aliases: ["Babbage"]', "aliases: {short: Babbage}"),
     "content/entities.yaml:13:12: error: 'aliases' must be a list, not a mapping"),
    ("entities-name-list", E, sub("name: London", "name: [London, UK]"),
     "content/entities.yaml:21:9: error: 'name' must be text, not a list"),
    ("entities-summary-number", E, sub("summary: Capital city where the work happened.", "summary: 1843"),
     "content/entities.yaml:23:12: error: 'summary' must be text, not a number"),
    ("entities-name-decimal-number", E, sub("name: London", "name: 3.14"),
     "content/entities.yaml:21:9: error: 'name' must be text, not a number"),
    ("entities-control-character", E, sub("name: London", b"name: Lon\x1bdon"),
     ("content/entities.yaml:21:12: error:", "control character")),
    ("entities-summary-empty", E, sub("summary: Capital city where the work happened.", "summary:"),
     ("content/entities.yaml:23:", "error: 'summary' must be text, not nothing")),
    ("entities-duplicate-id", E, sub("id: analytical-engine", "id: ada-lovelace"),
     "content/entities.yaml:15:3: error: duplicate entity id 'ada-lovelace' (first defined at content/entities.yaml:2:3)"),
    ("entities-id-with-newline", E, sub("id: london", 'id: "lon\\ndon"'),
     ("content/entities.yaml:20:7: error:", "is not a valid id")),
    ("entities-key-with-newline", E, sub("  name: London\n", '  name: London\n  "sum\\nmary": x\n'),
     ("content/entities.yaml:22:3: error: unknown key", "did you mean 'summary'?")),
    ("entities-id-slash", E, sub("id: london", "id: uk/london"),
     "content/entities.yaml:20:7: error: 'uk/london' is not a valid id (ids are lowercase words joined by hyphens, "
     "such as 'uk-london')"),
    ("entities-id-dotdot", E, sub("id: london", "id: .."),
     "content/entities.yaml:20:7: error: '..' is not a valid id"),
    ("entities-id-space", E, sub("id: london", "id: greater london"),
     "content/entities.yaml:20:7: error: 'greater london' is not a valid id (ids are lowercase words joined by "
     "hyphens, such as 'greater-london')"),
    ("entities-id-uppercase", E, sub("id: london", "id: London"),
     "content/entities.yaml:20:7: error: 'London' is not a valid id (ids are lowercase words joined by hyphens, "
     "such as 'london')"),
    ("entities-unknown-kind", E, sub("kind: product", "kind: robot"),
     "content/entities.yaml:17:9: error: unknown kind 'robot' (choose one of: person, organization, place, program, "
     "product, publication, event, concept)"),
    ("entities-related-self", E, sub("related: [charles-babbage]", "related: [ada-lovelace]"),
     "content/entities.yaml:9:13: error: entity 'ada-lovelace' lists itself as related (remove it from 'related')"),
    ("entities-related-unknown", E, sub("related: [charles-babbage]", "related: [charles-babage]"),
     "content/entities.yaml:9:13: error: unknown entity 'charles-babage' (did you mean 'charles-babbage'?)"),
    ("entities-summary-50000-chars", E, huge_summary,
     "content/entities.yaml:6:12: error: 'summary' is too long (50,000 characters, at most 400)"),
    ("entities-10000-aliases", E, many_aliases,
     "content/entities.yaml:13:12: error: 'aliases' must have at most 200 items, found 10000"),
    ("entities-alias-empty", E, sub('aliases: ["Babbage"]', 'aliases: ["Babbage", ""]'),
     "content/entities.yaml:13:24: error: empty alias in 'charles-babbage' (remove it)"),
    ("entities-alias-one-letter", E, sub('aliases: ["Babbage"]', 'aliases: ["Babbage", "a"]'),
     "content/entities.yaml:13:24: error: alias 'a' of 'charles-babbage' is too short to link safely"),
    ("entities-alias-surrounding-spaces", E, sub('aliases: ["Babbage"]', 'aliases: [" Babbage "]'),
     "content/entities.yaml:13:13: error: alias ' Babbage ' has spaces at its start or end (write 'Babbage')"),
    ("entities-alias-claimed-twice", E, sub('aliases: ["Engine"]', 'aliases: ["Engine", "Babbage"]'),
     "content/entities.yaml:18:23: error: alias 'Babbage' of 'analytical-engine' is already an alias of "
     "'charles-babbage' (an alias can link to one entry only (see content/entities.yaml:13:13))"),
    ("entities-alias-repeated", E, sub('aliases: ["Engine"]', 'aliases: ["Engine", "Engine"]'),
     "content/entities.yaml:18:23: error: alias 'Engine' is listed twice for 'analytical-engine' (remove the repeat)"),
    ("entities-unknown-wikilink", E, sub("[[charles-babbage]]", "[[babbage]]"),
     "content/entities.yaml:8:51: error: unknown link target [[babbage]]"),
    ("entities-description-broken-relative-link", E, sub("with [[charles-babbage]].", "with [[charles-babbage]] "
                                                         "and [the notes](notes-page)."),
     ("content/entities.yaml:8:", "error: relative link 'notes-page'")),
    ("entities-unknown-key", E, sub("  related: [charles-babbage]", "  relatd: [charles-babbage]"),
     "content/entities.yaml:9:3: error: unknown key 'relatd' (did you mean 'related'?)"),
    ("entities-link-javascript-url", E, append("  links:\n    - title: Bio\n      url: javascript:alert(1)\n"),
     "content/entities.yaml:26:12: error: unsupported URL 'javascript:alert(1)'"),
    ("entities-link-data-url", E, append("  links:\n    - title: Bio\n      url: data:text/html;base64,PHNjcmlwdD4=\n"),
     "content/entities.yaml:26:12: error: unsupported URL 'data:text/html;base64,PHNjcmlwdD4='"),
    ("entities-link-protocol-relative", E, append("  links:\n    - title: Bio\n      url: //evil.example/x\n"),
     "content/entities.yaml:26:12: error: unsupported URL '//evil.example/x'"),
    ("entities-anchor-and-alias-list", E, both(sub("related: [charles-babbage]", "related: &rel [charles-babbage]"),
                                               append("  related: *rel\n")),
     ("content/entities.yaml:", "error: YAML anchors and aliases (&name / *name) are not supported "
                                "(write the value out in full)")),
    ("entities-id-shared-with-term", G, sub("id: algorithm", "id: london"),
     "content/glossary.yaml:1:3: error: id 'london' is used by both an entity and a glossary term"),

    # ---- timeline.yaml ------------------------------------------------------------------------------
    ("timeline-truncated-mid-list", T, cut_after("entities: [ada-lovelace, analyt"),
     ("content/timeline.yaml:7:1: error: YAML syntax error", "line 6, column 13", "never closed")),
    ("timeline-date-month-13", T, sub('date: "1843"', 'date: "2024-13-01"'),
     "content/timeline.yaml:2:9: error: invalid date: '2024-13-01' is not a valid date (no such month or day)"),
    ("timeline-date-month-13-unquoted", T, sub('date: "1843"', "date: 2024-13-01"),
     "content/timeline.yaml:2:9: error: invalid date: '2024-13-01' is not a valid date (no such month or day)"),
    ("timeline-date-feb-30", T, sub('date: "1843"', 'date: "2023-02-30"'),
     "content/timeline.yaml:2:9: error: invalid date: '2023-02-30' is not a valid date (no such month or day)"),
    ("timeline-date-feb-30-unquoted", T, sub('date: "1843"', "date: 2023-02-30"),
     "content/timeline.yaml:2:9: error: invalid date: '2023-02-30' is not a valid date (no such month or day)"),
    ("timeline-date-word", T, sub('date: "1843"', "date: late"),
     ("content/timeline.yaml:2:9: error: invalid date: 'late' is not a date this site understands",
      "write a year (2014)")),
    ("timeline-date-reversed-range", T, sub('date: "1843"', 'date: "2024/2023"'),
     "content/timeline.yaml:2:9: error: invalid date: '2024/2023' ends before it starts"),
    ("timeline-date-list", T, sub('date: "1843"', "date: [1843]"),
     "content/timeline.yaml:2:9: error: 'date' must be text or a whole number, not a list"),
    ("timeline-entities-string", T, sub("entities: [ada-lovelace, analytical-engine]", "entities: ada-lovelace"),
     "content/timeline.yaml:6:13: error: 'entities' must be a list, not text"),
    ("timeline-duplicate-id", T, sub("id: engine-designed", "id: notes-published"),
     "content/timeline.yaml:10:3: error: duplicate event id 'notes-published' (first defined at content/timeline.yaml:1:3)"),
    ("timeline-no-sources", T, sub("  sources:\n    - title: An external page\n      url: https://example.org/engine\n",
                                   "  sources: []\n"),
     "content/timeline.yaml:14:12: error: 'sources' must have at least 1 items, found 0"),
    ("timeline-source-seed-and-url", T, sub("    - seed: engines\n", "    - seed: engines\n      url: https://example.org/x\n"),
     "content/timeline.yaml:8:7: error: a source is either a seed excerpt or an external page, not both"),
    ("timeline-source-only-title", T, sub("      url: https://example.org/engine\n", ""),
     "content/timeline.yaml:15:7: error: an external source needs both 'title' and 'url'"),
    ("timeline-source-unknown-seed", T, sub("- seed: engines", "- seed: enignes"),
     "content/timeline.yaml:8:7: error: unknown seed 'enignes' (did you mean 'engines'?)"),
    ("timeline-source-protocol-relative-url", T, sub("url: https://example.org/engine", "url: //evil.example"),
     "content/timeline.yaml:16:12: error: unsupported URL '//evil.example'"),
    ("timeline-body-unknown-wikilink", T, sub("[[ada-lovelace]] publishes", "[[ada-lovelase]] publishes"),
     ("content/timeline.yaml:5:", "error: unknown link target [[ada-lovelase]] (did you mean 'ada-lovelace'?)")),
    ("timeline-excerpt-spans-two-paragraphs", T,
     sub('excerpt: "Ada Lovelace wrote the first published program"', 'excerpt: "in London. She said"'),
     "content/timeline.yaml:8:7: error: excerpt is not verbatim in seed 'engines' (an excerpt must lie within one paragraph)"),

    # ---- glossary.yaml ------------------------------------------------------------------------------
    ("glossary-truncated-mid-string", G, cut_after('aliases: ["prog'),
     ("content/glossary.yaml:3:", "error: YAML syntax error", "line 3, column 13", "never closed")),
    ("glossary-definition-list", G, sub("definition: A precise", "definition:\n    - A precise"),
     "content/glossary.yaml:5:5: error: 'definition' must be text, not a list"),
    ("glossary-see-also-self", G, sub("  definition:", "  see_also: [algorithm]\n  definition:"),
     "content/glossary.yaml:4:14: error: term 'algorithm' lists itself in see_also (remove it from 'see_also')"),
    ("glossary-term-alias-equals-entity-alias", G, sub('aliases: ["program"]', 'aliases: ["program", "Babbage"]'),
     "content/glossary.yaml:3:24: error: alias 'Babbage' of 'algorithm' is already an alias of 'charles-babbage'"),
    ("glossary-excerpt-not-verbatim", G, sub('excerpt: "first published program"', 'excerpt: "first printed program"'),
     "content/glossary.yaml:6:7: error: excerpt is not verbatim in seed 'engines' (closest paragraph is p1 (line 7))"),
    ("glossary-source-javascript-url", G, sub('    - seed: engines\n      excerpt: "first published program"',
                                              "    - title: Evil\n      url: javascript:alert(1)"),
     "content/glossary.yaml:7:12: error: unsupported URL 'javascript:alert(1)' (external sources need an http:// or "
     "https:// URL)"),

    # ---- quotes.yaml --------------------------------------------------------------------------------
    ("quotes-truncated-mid-string", Q, cut_after('text: "The Engine weaves algebra'),
     ("content/quotes.yaml:2:", "error: YAML syntax error", "line 2, column 9", "never closed")),
    ("quotes-top-level-map", Q, b"speaker: ada-lovelace\ntext: x\nseed: engines\n",
     "content/quotes.yaml:1:1: error: content/quotes.yaml must be a list of entries, not a mapping "
     "(start each entry with '- speaker: ...')"),
    ("quotes-text-number", Q, sub('text: "The Engine weaves algebraic patterns."', "text: 1843"),
     "content/quotes.yaml:2:9: error: 'text' must be text, not a number"),
    ("quotes-not-verbatim", Q, sub("weaves algebraic patterns.", "weaves numbers."),
     "content/quotes.yaml:1:3: error: quote 'q1' is not verbatim in seed 'engines' (closest paragraph is p2 (line 8))"),
    ("quotes-unknown-speaker", Q, sub("speaker: ada-lovelace", "speaker: ada-lovelac"),
     "content/quotes.yaml:1:3: error: unknown entity 'ada-lovelac' (did you mean 'ada-lovelace'?)"),
    ("quotes-context-unknown-wikilink", Q, sub("context: Writing in 1843.", "context: Writing to [[babage]]."),
     ("content/quotes.yaml:4:", "error: unknown link target [[babage]]")),

    # ---- notes.yaml ---------------------------------------------------------------------------------
    ("notes-tab-indentation", N, sub("  note: Historians", "\tnote: Historians"),
     ("content/notes.yaml:4:1: error: YAML syntax error", "tabs")),
    ("notes-excerpt-spans-two-paragraphs", N, sub('excerpt: "the first published program"',
                                                  'excerpt: "program in London. She said:"'),
     "content/notes.yaml:1:3: error: excerpt of note 'first-program' is not verbatim in seed 'engines' "
     "(an excerpt must lie within one paragraph)"),
    ("notes-source-data-url", N, sub("url: https://example.org/history", "url: data:text/html;base64,PHNjcmlwdD4="),
     "content/notes.yaml:7:12: error: unsupported URL 'data:text/html;base64,PHNjcmlwdD4='"),
    ("notes-note-empty", N, sub("note: Historians debate whether it was the *first* program.", 'note: ""'),
     "content/notes.yaml:4:9: error: 'note' must not be empty"),
    ("notes-id-uppercase", N, sub("id: first-program", "id: First Program"),
     "content/notes.yaml:1:7: error: 'First Program' is not a valid id"),
    ("notes-entities-unknown", N, sub("  note: Historians", "  entities: [babbage]\n  note: Historians"),
     "content/notes.yaml:4:14: error: unknown entity 'babbage' (did you mean 'charles-babbage'?)"),

    # ---- seeds/engines.txt ----------------------------------------------------------------------------
    ("seed-front-matter-only", SEED, b"---\ntitle: Engines of London\nslug: engines\n---\n",
     "seeds/engines.txt:1:1: error: seed has no text (add the article's paragraphs after the front matter)"),
    ("seed-empty-file", SEED, b"",
     ("seeds/engines.txt", "error: seed has no text")),
    ("seed-front-matter-broken-yaml", SEED, sub("title: Engines of London", "title: Engines: of London"),
     ("seeds/engines.txt:2:15: error: YAML syntax error: mapping values are not allowed",
      "(a value containing ': ' must be quoted)")),
    ("seed-front-matter-never-closed", SEED, cut_after("title: Engines of Lon"),
     ("seeds/engines.txt:1:1: error:", "front matter", "---")),
    ("seed-front-matter-unknown-key", SEED, sub("publication: Test Weekly", "publisher: Test Weekly"),
     ("seeds/engines.txt:4:1: error: unknown key 'publisher'", "did you mean")),
    ("seed-front-matter-tabs", SEED, sub("slug: engines", "\tslug: engines"),
     ("seeds/engines.txt:3:1: error: YAML syntax error", "tabs")),
    ("seed-front-matter-list", SEED, sub("title: Engines of London\nslug: engines\npublication: Test Weekly\n"
                                         "published: 2024-09\n", "- title\n- slug\n"),
     ("seeds/engines.txt:2:1: error:", "mapping", "not a list")),
    ("seed-published-bad-date", SEED, sub("published: 2024-09", "published: 2024-13"),
     "seeds/engines.txt:5:12: error: invalid date: '2024-13' is not a valid date (no such month or day)"),
    ("seed-published-feb-30-unquoted", SEED, sub("published: 2024-09", "published: 2023-02-30"),
     "seeds/engines.txt:5:12: error: invalid date: '2023-02-30' is not a valid date (no such month or day)"),
    ("seed-slug-dotdot", SEED, sub("slug: engines", "slug: ../engines"),
     "seeds/engines.txt:3:7: error: '../engines' is not a valid id"),
    ("seed-url-javascript", SEED, sub("published: 2024-09\n", "published: 2024-09\nurl: javascript:alert(1)\n"),
     "seeds/engines.txt:6:6: error: unsupported URL 'javascript:alert(1)' (use an http(s) URL)"),
    ("seed-non-utf8-in-body", SEED, sub("Ada Lovelace wrote", b"Ada Lovelace\xff wrote"),
     "seeds/engines.txt:7:13: error: file is not valid UTF-8 (byte 0xff)"),
    # the column must count characters, as editors do, not bytes (’ is three bytes in UTF-8)
    ("seed-non-utf8-after-curly-quote", SEED, sub("Lovelace’s notes", b"Lovelace\xe2\x80\x99s \xfe notes"),
     "seeds/engines.txt:9:12: error: file is not valid UTF-8 (byte 0xfe)"),
]


def _param(case: tuple):
    case_id, rel, breakage, expected, *bug = case
    marks = [pytest.mark.xfail(strict=True, reason=f"generator bug: {bug[0]}")] if bug else []
    return pytest.param(rel, breakage, expected, id=case_id, marks=marks)


@pytest.fixture
def built(cli, project: Path) -> Path:
    result = cli("build")
    assert result.exit_code == 0, result.output
    return project / "site"


def break_file(project: Path, rel: str, breakage: Breakage) -> None:
    path = project / rel
    if isinstance(breakage, bytes):
        path.write_bytes(breakage)
    else:
        breakage(path)


def assert_problem_lines(stderr: str) -> list[str]:
    """Every stderr line is a formatted problem, or the closing summary; returns the problem lines."""
    lines = stderr.rstrip("\n").split("\n") if stderr.strip() else []  # the CLI separates lines with \n only
    assert lines, "no problems reported"
    problems = [line for line in lines if not SUMMARY.match(line)]
    for line in problems:
        assert LOCATED.match(line) or WHOLE_FILE.match(line), f"badly formatted problem line: {line!r}"
    assert any(SUMMARY.match(line) for line in lines), stderr
    return problems


@pytest.mark.parametrize(("rel", "breakage", "expected"), [_param(c) for c in CASES])
def test_bad_input_is_reported(cli, project: Path, built: Path, rel: str, breakage: Breakage,
                               expected: str | tuple[str, ...]):
    before = tree_hash(built)
    break_file(project, rel, breakage)
    result = cli("build")
    assert "Traceback" not in result.output
    assert result.exit_code == 1, f"exit {result.exit_code}:\n{result.output}"
    problems = assert_problem_lines(result.stderr)
    first = problems[0]
    for part in (expected,) if isinstance(expected, str) else expected:
        if isinstance(part, Absent):
            assert part not in first, f"{str(part)!r} should not be in the first problem line:\n{result.stderr}"
        else:
            assert part in first, f"{part!r} not in the first problem line:\n{result.stderr}"
    assert tree_hash(built) == before


def test_corpus_is_large_enough():
    assert len(CASES) >= 45
    files = {case[1] for case in CASES}
    assert files == {E, T, G, Q, N, S, SEED}
    assert len({case[0] for case in CASES}) == len(CASES)


# ---------------------------------------------------------------------------------------------
# Inputs that look odd but are fine
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"# no quotes yet\n", b"\n\n"], ids=["empty", "comment-only", "blank"])
def test_empty_collection_file_builds(cli, project: Path, content: bytes):
    """An empty quotes.yaml is an empty collection, not an error."""
    (project / "content/quotes.yaml").write_bytes(content)
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert not (project / "site/entities/ada-lovelace/index.html").read_text(encoding="utf-8").count("weaves algebraic")


@pytest.mark.parametrize("rel", [S, E, T, G, Q, N, SEED])
def test_utf8_bom_is_accepted(cli, project: Path, rel: str):
    """Editors on Windows write a byte-order mark; the loader drops it and the file reads normally."""
    path = project / rel
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = cli("build")
    assert result.exit_code == 0, result.output
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert "\ufeff" not in home
    assert "Mini explainer" in home


def test_symmetric_related_is_fine(cli, project: Path):
    """a → b → a is not a cycle to refuse: `related` is symmetric anyway. Only a self-reference is an error."""
    path = project / "content/entities.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '  aliases: ["Babbage"]\n', '  aliases: ["Babbage"]\n  related: [ada-lovelace]\n', 1), encoding="utf-8")
    result = cli("build")
    assert result.exit_code == 0, result.output
    page = (project / "site/entities/charles-babbage/index.html").read_text(encoding="utf-8")
    assert "/entities/ada-lovelace/" in page


def test_symmetric_see_also_is_fine(cli, project: Path):
    path = project / "content/glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") +
                    "  see_also: [engine-term]\n- id: engine-term\n  term: difference engine\n"
                    "  definition: A calculator.\n  see_also: [algorithm]\n", encoding="utf-8")
    result = cli("build")
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------------------------
# Beyond the first line
# ---------------------------------------------------------------------------------------------

def test_misshapen_collection_does_not_cascade(cli, project: Path, built: Path):
    """A file that could not be read as a list must not turn every reference into it into a false error."""
    (project / E).write_bytes(b"ada-lovelace:\n  name: Ada Lovelace\n")
    result = cli("build")
    assert result.exit_code == 1
    problems = assert_problem_lines(result.stderr)
    assert problems == ["content/entities.yaml:1:1: error: content/entities.yaml must be a list of entries, not a "
                        "mapping (start each entry with '- id: ...')"]
