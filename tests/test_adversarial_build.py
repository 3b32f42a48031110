"""The second adversarial corpus: attacks on the build itself, its output folder and its reading.

Each case sets up a copy of the mini project (and, where the attack needs one, a folder beside
it), runs the CLI, and asserts the exit code, the place the problem is reported at, and that
nothing outside the output folder changed (for a refused or failed build: nothing at all, the
output folder included). Classes: the output folder, file types and links, identifiers, text
hygiene. Complexity cases and the property tests are at the end; the preview server's cases are
in test_adversarial_serve.py. The threat model these cases come from is docs/security.md.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adversarial import own_theme, snapshot
from helpers import MINI, REPO, Cli, edit

Setup = Callable[[Path, Path], list]  # (project, folder beside it) → CLI arguments after --root


@dataclass
class Case:
    name: str
    setup: Setup
    code: int
    where: str  # must appear in the output: the file:line:col, or the --out named
    also: str = ""  # another piece of the message that must appear


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def _link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def _git(project: Path) -> None:
    _write(project / ".git/config", "[remote \"origin\"]\n\turl = https://user:secret-token@example.org/r.git\n")


def out(path_of: Callable[[Path, Path], Path | str]) -> Setup:
    return lambda project, beside: ["build", "-j", "1", "--out", str(path_of(project, beside))]


def build_after(change: Callable[[Path, Path], None]) -> Setup:
    def setup(project: Path, beside: Path) -> list:
        change(project, beside)
        return ["build", "-j", "1"]
    return setup


def sub(rel: str, old: str, new: str) -> Callable[[Path, Path], None]:
    return lambda project, beside: edit(project / rel, old, new)


def steps(*changes: Callable[[Path, Path], None]) -> Callable[[Path, Path], None]:
    return lambda project, beside: [change(project, beside) for change in changes] and None


def replaced_by_fifo(rel: str) -> Callable[[Path, Path], None]:
    def change(project: Path, beside: Path) -> None:
        own_theme(project)
        (project / rel).unlink()
        os.mkfifo(project / rel)
    return change


def raw(rel: str, data: str | bytes) -> Callable[[Path, Path], None]:
    return lambda project, beside: _write(project / rel, data)


def linked(rel: str, target: Callable[[Path, Path], str | Path], theme: bool = False) -> Callable[[Path, Path], None]:
    def change(project: Path, beside: Path) -> None:
        if theme:
            own_theme(project)
        _git(project)
        _link(project / rel, target(project, beside))
    return change


def fifo(rel: str, theme: bool = False) -> Callable[[Path, Path], None]:
    def change(project: Path, beside: Path) -> None:
        if theme:
            own_theme(project)
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(project / rel)
    return change


def sparse(rel: str, size: int, theme: bool = False) -> Callable[[Path, Path], None]:
    def change(project: Path, beside: Path) -> None:
        if theme:
            own_theme(project)
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        with open(project / rel, "wb") as handle:
            handle.truncate(size)  # a hole: no disk used, nothing read unless the build reads it
    return change


def unix_socket(rel: str) -> Callable[[Path, Path], None]:
    def change(project: Path, beside: Path) -> None:
        server = socket.socket(socket.AF_UNIX)
        server.bind(os.path.relpath(project / rel))  # relative: socket paths are short
        server.close()
    return change


def foreign_folder(project: Path, beside: Path) -> Path:
    _write(beside / "thesis/chapter-1.docx", b"years of work")
    return beside / "thesis"


def owned_folder(project: Path, beside: Path) -> Path:
    assert Cli(project)("build", "-j", "1", "--out", str(beside / "prev")).exit_code == 0
    return beside / "prev"


def symlink_to(target: Callable[[Path, Path], Path]) -> Callable[[Path, Path], Path]:
    def make(project: Path, beside: Path) -> Path:
        _link(beside / "published", target(project, beside))
        return beside / "published"
    return make


ENT = "content/entities.yaml"
SEED = "seeds/engines.txt"
SEED_HEAD = "---\ntitle: Engines of London\nslug: engines\n---\n"
SEED_BODY = ("Ada Lovelace wrote the first published program in London.\n"
             "She said: “The Engine weaves algebraic patterns.” Babbage agreed.\n")

OUTPUT_FOLDER = [
    Case("out-dot-is-the-project", out(lambda p, b: p), 2, "is the project folder"),
    Case("out-parent-contains-the-project", out(lambda p, b: p.parent), 2, "contains the project folder"),
    Case("out-filesystem-root", out(lambda p, b: "/"), 2, "--out / contains the project folder"),
    Case("out-content", out(lambda p, b: p / "content"), 2, "is the project's content/ folder"),
    Case("out-seeds", out(lambda p, b: p / "seeds"), 2, "is the project's seeds/ folder"),
    Case("out-templates", out(lambda p, b: p / "templates"), 2, "is the project's templates/ folder"),
    Case("out-static", out(lambda p, b: p / "static"), 2, "is the project's static/ folder"),
    Case("out-git", out(lambda p, b: (_git(p), p / ".git")[1]), 2, "is inside a .git folder"),
    Case("out-inside-git", out(lambda p, b: (_git(p), p / ".git/site")[1]), 2, "is inside a .git folder"),
    Case("out-inside-content", out(lambda p, b: p / "content/site"), 2, "is inside the project's content/ folder"),
    Case("out-inside-seeds", out(lambda p, b: p / "seeds/site"), 2, "is inside the project's seeds/ folder"),
    Case("out-dotdot-spelling", out(lambda p, b: p / "site/../content"), 2, "is the project's content/ folder"),
    Case("out-foreign-folder", out(foreign_folder), 2, "holds files the build did not write"),
    Case("out-foreign-folder-one-dotfile", out(lambda p, b: (_write(b / "f/.keep", ""), b / "f")[1]), 2,
         "holds files the build did not write"),
    Case("out-code-folder-in-project", out(lambda p, b: (_write(p / "tools/x.py", "x = 1\n"), p / "tools")[1]),
         2, "holds files the build did not write"),
    Case("out-is-a-file", out(lambda p, b: (_write(b / "notes.txt", "mine"), b / "notes.txt")[1]), 2,
         "notes.txt' is a file"),
    Case("out-symlink-to-project", out(symlink_to(lambda p, b: p)), 2, "is the project folder"),
    Case("out-symlink-to-content", out(symlink_to(lambda p, b: p / "content")), 2, "is the project's content/"),
    Case("out-symlink-to-foreign", out(symlink_to(foreign_folder)), 2, "holds files the build did not write"),
    Case("out-owned-folder-rebuilt", out(owned_folder), 0, "Built"),
    Case("out-empty-folder", out(lambda p, b: ((b / "empty").mkdir(), b / "empty")[1]), 0, "Built"),
    Case("out-new-folder", out(lambda p, b: b / "new-site"), 0, "Built"),
    Case("out-symlink-to-owned-folder", out(symlink_to(owned_folder)), 0, "Built"),
]

OUTSIDE = lambda p, b: (_write(b / "outside/secret.txt", "token=abc123\n"), b / "outside/secret.txt")[1]  # noqa: E731

FILES_AND_LINKS = [
    Case("static-symlink-etc-passwd", build_after(linked("static/passwd.txt", lambda p, b: "/etc/passwd", True)),
         1, "static/passwd.txt: error: symlink points outside static/"),
    Case("static-symlink-proc-environ", build_after(linked("static/env.txt", lambda p, b: "/proc/self/environ", True)),
         1, "static/env.txt: error: symlink points outside static/"),
    Case("static-symlink-git-config", build_after(linked("static/c.txt", lambda p, b: p / ".git/config", True)),
         1, "static/c.txt: error: symlink points outside static/"),
    Case("static-symlink-content", build_after(linked("static/s.yaml", lambda p, b: p / "content/site.yaml", True)),
         1, "static/s.yaml: error: symlink points outside static/"),
    Case("static-symlink-outside-project", build_after(linked("static/s.txt", OUTSIDE, True)),
         1, "static/s.txt: error: symlink points outside static/"),
    Case("static-relative-symlink-escape", build_after(linked("static/r.txt", lambda p, b: "../../outside/x", True)),
         1, "static/r.txt: error:"),
    Case("static-fifo", build_after(fifo("static/pipe.css", True)), 1, "static/pipe.css: error: not a regular file (a FIFO)"),
    Case("static-2gb-file", build_after(sparse("static/huge.bin", 2 << 30, True)), 1,
         "static/huge.bin: error: file is 2,147,483,648 bytes"),
    Case("template-symlink-etc-passwd", build_after(linked("templates/404.html", lambda p, b: "/etc/passwd", True)),
         1, "templates/404.html: error: symlink points outside templates/"),
    Case("template-fifo", build_after(replaced_by_fifo("templates/404.html")), 1, "templates/404.html: error: not a regular file (a FIFO)"),
    Case("seed-symlink-git-config", build_after(linked("seeds/config.txt", lambda p, b: "../.git/config")),
         1, "seeds/config.txt: error: symlink points outside seeds/"),
    Case("seed-symlink-proc-environ", build_after(linked("seeds/env.txt", lambda p, b: "/proc/self/environ")),
         1, "seeds/env.txt: error: symlink points outside seeds/"),
    Case("seed-symlink-to-content", build_after(linked("seeds/s.txt", lambda p, b: "../content/site.yaml")),
         1, "seeds/s.txt: error: symlink points outside seeds/"),
    Case("content-symlink-etc-passwd", build_after(linked("content/notes.yaml", lambda p, b: "/etc/passwd")),
         1, "content/notes.yaml: error: symlink points outside content/"),
    Case("seeds-folder-symlink-to-etc", build_after(lambda p, b: (shutil.rmtree(p / "seeds"), _link(p / "seeds", "/etc"))),
         1, "error: seeds/ is a symlink to a folder outside the project"),
    Case("content-fifo", build_after(fifo("content/entities/pipe.yaml")), 1,
         "content/entities/pipe.yaml: error: not a regular file (a FIFO)"),
    Case("seed-fifo", build_after(fifo("seeds/pipe.txt")), 1, "seeds/pipe.txt: error: not a regular file (a FIFO)"),
    Case("seed-socket", build_after(unix_socket("seeds/s.txt")), 1, "seeds/s.txt: error: not a regular file (a socket)"),
    Case("seed-2gb-sparse", build_after(sparse("seeds/huge.txt", 2 << 30)), 1,
         "seeds/huge.txt: error: file is 2,147,483,648 bytes, more than the 5,000,000 allowed"),
    Case("seed-dangling-symlink", build_after(linked("seeds/gone.txt", lambda p, b: "nowhere.txt")), 1,
         "seeds/gone.txt: error: cannot read file"),
    Case("seed-symlink-loop", build_after(linked("seeds/loop.txt", lambda p, b: "loop.txt")), 1,
         "seeds/loop.txt: error: cannot read file"),
    Case("seed-symlink-to-dev-zero", build_after(linked("seeds/zero.txt", lambda p, b: "/dev/zero")), 1,
         "seeds/zero.txt: error: symlink points outside seeds/"),
    Case("static-hidden-git-folder-skipped", build_after(lambda p, b: (own_theme(p), _write(p / "static/.git/config", "t"),
                                                                       _write(p / "static/.env", "SECRET=1"))), 0, "Built"),
]

IDENTIFIERS = [
    Case("redirect-from-newline", build_after(sub(ENT, "related: [charles-babbage]",
                                                  'related: [charles-babbage]\n  redirect_from: ["old\\n"]')),
         1, f"{ENT}:10:19: error: 'old\\n' is not a valid id"),
    Case("id-trailing-newline", build_after(sub(ENT, "- id: london", '- id: "london\\n"')), 1,
         f"{ENT}:20:7: error: 'london\\n' is not a valid id"),
    Case("related-trailing-newline", build_after(sub(ENT, "related: [charles-babbage]", 'related: ["charles-babbage\\n"]')),
         1, f"{ENT}:9:13: error:"),
    Case("id-arabic-indic-digits", build_after(sub(ENT, "- id: london", "- id: london-٢")), 1, f"{ENT}:20:7: error:"),
    Case("id-fullwidth-digit", build_after(sub(ENT, "- id: london", "- id: london-１")), 1, f"{ENT}:20:7: error:"),
    Case("slug-trailing-newline", build_after(sub(SEED, "slug: engines", 'slug: "engines\\n"')), 1,
         f"{SEED}:3:7: error: 'engines\\n' is not a valid id"),
    Case("date-arabic-indic-digits", build_after(sub("content/timeline.yaml", 'date: "1843"', 'date: "٢٠٢٢-٠٩"')), 1,
         "content/timeline.yaml:2:9: error: invalid date"),
    Case("date-inner-newline", build_after(sub("content/timeline.yaml", 'date: "1843"', 'date: "1843\\n/1844"')), 1,
         "content/timeline.yaml:2:9: error: invalid date"),
    Case("quote-speaker-newline", build_after(sub("content/quotes.yaml", "speaker: ada-lovelace",
                                                  'speaker: "ada-lovelace\\n"')), 1, "content/quotes.yaml:1:12: error:"),
    Case("language-trailing-newline", build_after(sub("content/site.yaml", "language: en", 'language: "en\\n"')), 1,
         "content/site.yaml:4:11: error:"),
    Case("yaml-int-4301-digits", build_after(sub(ENT, "kind: place", "kind: place\n  extra: " + "9" * 4301)), 1,
         f"{ENT}:23:10: error: number too long (4,301 characters)"),
    Case("yaml-python-tag-on-mapping", build_after(sub(ENT, "- id: london", "- !!python/object:os.system\n  id: london")),
         1, f"{ENT}:20:3: error: unsupported YAML tag 'tag:yaml.org,2002:python/object:os.system'"),
    Case("yaml-python-tag-on-list", build_after(sub(ENT, "related: [charles-babbage]",
                                                    "related: !!python/tuple [charles-babbage]")), 1,
         f"{ENT}:9:12: error: unsupported YAML tag"),
    Case("yaml-set-tag", build_after(sub(ENT, 'aliases: ["Babbage"]', "aliases: !!set {Babbage: null}")), 1,
         f"{ENT}:13:12: error: unsupported YAML tag 'tag:yaml.org,2002:set'"),
    Case("new-entity-newline", lambda p, b: ["new", "entity", "evil\n"], 1, "(command line): error: 'evil\\n' is not a valid id"),
    Case("new-entity-unicode", lambda p, b: ["new", "entity", "évil"], 1, "(command line): error: 'évil' is not a valid id"),
    Case("huge-invalid-id-is-cut", build_after(sub(ENT, "- id: london", "- id: " + "X" * 1_000_000)), 1,
         f"{ENT}:20:7: error: 'XXX", also="characters) …"),
]

TEXT_HYGIENE = [
    Case("seed-crlf", build_after(raw(SEED, (SEED_HEAD + SEED_BODY).replace("\n", "\r\n"))), 0, "Built"),
    Case("seed-cr-only", build_after(raw(SEED, (SEED_HEAD + SEED_BODY).replace("\n", "\r"))), 0, "Built"),
    Case("seed-nul", build_after(raw(SEED, SEED_HEAD + SEED_BODY + "A\x00B\n")), 1,
         f"{SEED}:7:2: error: control character U+0000 in the seed"),
    Case("seed-escape-sequence", build_after(raw(SEED, SEED_HEAD + "Safe \x1b[31mred\n" + SEED_BODY)), 1,
         f"{SEED}:5:6: error: control character U+001B"),
    Case("seed-vertical-tab", build_after(raw(SEED, SEED_HEAD + SEED_BODY + "x\x0by\n")), 1, f"{SEED}:7:2: error:"),
    Case("seed-nel-c1", build_after(raw(SEED, SEED_HEAD + "a\u0085b\n" + SEED_BODY)), 1,
         f"{SEED}:5:2: error: control character U+0085"),
    Case("seed-crlf-control-line-counted", build_after(raw(SEED, (SEED_HEAD + SEED_BODY).replace("\n", "\r\n") + "x\x07\r\n")),
         1, f"{SEED}:7:2: error: control character U+0007"),
    Case("name-zero-width-space", build_after(sub(ENT, "name: London", "name: Lon\u200bdon")), 1,
         f"{ENT}:21:9: error: 'name' holds an invisible character (U+200B ZERO WIDTH SPACE) at character 4"),
    Case("name-bidi-override", build_after(sub(ENT, "name: London", "name: Lon\u202edon")), 1,
         f"{ENT}:21:9: error: 'name' holds an invisible character (U+202E"),
    Case("alias-bidi-isolate", build_after(sub(ENT, '"Babbage"', '"Bab\u2066bage"')), 1, f"{ENT}:13:13: error:"),
    Case("title-escape-via-yaml", build_after(sub(SEED, "title: Engines of London", 'title: "Engines\\e[2J"')), 1,
         f"{SEED}:2:8: error: 'title' holds a control character (U+001B)"),
    Case("site-title-c1", build_after(sub("content/site.yaml", "title: Mini explainer", 'title: "Mini\\x85"')), 1,
         "content/site.yaml:1:8: error: 'title' holds a control character"),
    Case("description-nul-via-yaml", build_after(sub(ENT, "summary: Capital city where the work happened.",
                                                     'summary: Capital.\n  description: "a\\0b"')), 1,
         f"{ENT}:24:16: error: 'description' holds a control character (U+0000)"),
    Case("yaml-line-separator", build_after(sub(ENT, "summary: Capital city", "summary: Capital\u2028city")), 1,
         f"{ENT}:23:19: error: line separator U+2028 is not allowed"),
    Case("yaml-crlf-positions", build_after(lambda p, b: _write(p / ENT, (p / ENT).read_text().replace(
        "kind: place", "kind: plase").replace("\n", "\r\n"))), 1, f"{ENT}:22:9: error: unknown kind 'plase'"),
    Case("yaml-cr-only-positions", build_after(lambda p, b: _write(p / ENT, (p / ENT).read_text().replace(
        "kind: place", "kind: plase").replace("\n", "\r"))), 1, f"{ENT}:22:9: error: unknown kind 'plase'"),
    Case("aliases-equal-after-nfc", build_after(steps(sub(ENT, 'aliases: ["Babbage"]', 'aliases: ["Babbage", "Zoe\u0301"]'),
                                                      sub(ENT, 'aliases: ["Engine"]', 'aliases: ["Engine", "Zo\u00e9"]'))),
         1, "is already an alias of 'charles-babbage'"),
]


def run_case(case: Case, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(MINI, project)
    beside = tmp_path / "beside"
    beside.mkdir()
    args = case.setup(project, beside)
    out = Path(args[args.index("--out") + 1]) if "--out" in args else project / "site"
    skip = (Path(os.path.realpath(out)), out) if case.code == 0 else ()
    before = snapshot(tmp_path, skip)
    started = time.monotonic()
    result = Cli(project)(*args)
    assert time.monotonic() - started < 30, "took too long"
    assert result.exit_code == case.code, result.output
    output = result.output
    assert case.where in output, output
    assert case.also in output, output
    assert "Traceback" not in output and "bug in explainer" not in output
    assert all(len(line) < 2000 for line in output.splitlines()), "a message echoed a long value whole"
    assert snapshot(tmp_path, skip) == before, "something outside the output folder changed"
    if case.code == 0 and "--out" not in args or case.code == 0 and not out.is_symlink():
        assert (Path(os.path.realpath(out)) / "index.html").is_file()


ALL = OUTPUT_FOLDER + FILES_AND_LINKS + IDENTIFIERS + TEXT_HYGIENE


@pytest.mark.parametrize("case", ALL, ids=[case.name for case in ALL])
def test_adversarial_case(case: Case, tmp_path: Path):
    run_case(case, tmp_path)


def test_the_corpus_is_large_enough():
    """The issue asks for at least 60 cases across the classes (these, and the server's)."""
    assert len(ALL) >= 60 and len({case.name for case in ALL}) == len(ALL)


# --- what the cases above cannot say in one line ---------------------------------------------

def test_nothing_secret_is_published_when_static_links_out(cli, project: Path):
    own_theme(project)
    _link(project / "static/env.txt", "/proc/self/environ")
    result = cli("build")
    assert result.exit_code == 1 and not (project / "site").exists()
    (project / "static/env.txt").unlink()
    assert cli("build").exit_code == 0
    published = b"".join(p.read_bytes() for p in (project / "site").rglob("*") if p.is_file())
    assert b"PATH=" not in published and b"root:x:" not in published


def test_crlf_seed_keeps_its_front_matter_out_of_the_text(cli, project: Path):
    _write(project / SEED, (SEED_HEAD + SEED_BODY).replace("\n", "\r\n"))
    assert cli("build").exit_code == 0
    page = (project / "site/articles/engines/index.html").read_text(encoding="utf-8")
    assert "<title>Engines of London" in page and "slug: engines" not in page and "\r" not in page


def test_cr_only_seed_keeps_its_paragraphs(cli, project: Path):
    _write(project / SEED, (SEED_HEAD + SEED_BODY).replace("\n", "\r"))
    assert cli("build").exit_code == 0
    page = (project / "site/articles/engines/index.html").read_text(encoding="utf-8")
    assert 'id="p2"' in page and "slug: engines" not in page


def test_a_name_in_decomposed_unicode_links_composed_text(cli, project: Path):
    edit(project / ENT, "name: London", "name: Zoe\u0301 Town")
    edit(project / SEED, "in London.", "in Zo\u00e9 Town.")
    assert cli("build").exit_code == 0
    page = (project / "site/articles/engines/index.html").read_text(encoding="utf-8")
    assert 'data-card="entity:london">Zoé Town</a>' in page


def test_redirect_rule_cannot_be_smuggled(cli, project: Path):
    edit(project / ENT, "related: [charles-babbage]", 'related: [charles-babbage]\n  redirect_from: ["old\\n/ /x"]')
    assert cli("build").exit_code == 1
    assert not (project / "site").exists()


def test_symlinked_out_is_updated_in_place(cli, project: Path, tmp_path: Path):
    served = tmp_path / "served"
    assert cli("build", "--out", str(served)).exit_code == 0
    link = tmp_path / "public"
    link.symlink_to(served)
    edit(project / SEED, "outlived", "survived")
    assert cli("build", "--out", str(link)).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(served)
    assert "survived" in (served / "articles/engines/index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj", "public", "served"]  # no .old-* left


def test_a_build_holding_the_lock_makes_another_stop_at_once(cli, project: Path):
    assert cli("build").exit_code == 0
    before = snapshot(project)
    with open(project / ".site.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        started = time.monotonic()
        result = cli("build")
        assert time.monotonic() - started < 5
    assert result.exit_code == 75, result.output
    assert "another build or preview is writing into this folder" in result.output
    after = snapshot(project)
    after.pop(".site.lock", None)
    before.pop(".site.lock", None)
    assert after == before


def test_concurrent_builds_into_one_folder_never_break_it(project: Path):
    """Four builds at once: each either builds or stops at once (75); none dies (70), and the
    folder holds one whole site at the end."""
    command = [sys.executable, str(REPO / "build.py"), "--root", str(project), "build", "-j", "1"]
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(4)]
    errors = [run.communicate(timeout=120)[1].decode() for run in runs]
    codes = [run.returncode for run in runs]
    assert set(codes) <= {0, 75} and 0 in codes, (codes, errors)
    assert all("another build" in error for code, error in zip(codes, errors) if code == 75)
    assert (project / "site/index.html").is_file() and (project / "site/404.html").is_file()
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"),
                                         (errno.EACCES, "permission denied")])
def test_environment_failures_have_their_own_message_and_code(cli, project: Path, monkeypatch, code, words):
    from explainer import write

    def fail(self, name, data):
        raise OSError(code, os.strerror(code), str(self.folder / name))

    monkeypatch.setattr(write.FolderWriter, "write", fail)
    before = snapshot(project.parent)
    result = cli("build", "-j", "1")
    assert result.exit_code == 74, result.output
    assert words in result.output and "index.html" in result.output and "bug in explainer" not in result.output
    assert snapshot(project.parent) == before


# --- complexity: sizes that must finish within a bound -------------------------------------------

def _cpu_seconds(action) -> tuple[float, object]:
    """CPU time of the action (the bound is about work done, not about a machine shared by many)."""
    started = time.process_time()
    result = action()
    return time.process_time() - started, result


def test_a_megabyte_of_open_brackets_builds_in_bounded_time(cli, project: Path):
    _write(project / "seeds/brackets.md", "---\ntitle: Brackets\n---\nOpening words.\n\n" + "[" * 1_000_000 + "\n")
    seconds, result = _cpu_seconds(lambda: cli("build", "-j", "1"))
    assert result.exit_code == 0, result.output
    assert seconds < 10, f"{seconds:.1f} s"


@pytest.mark.parametrize("text", ["[" * 200_000 + "]", "[](" * 50_000, "[]((" * 50_000, "[a](<b" * 20_000,
                                  "[`" * 50_000, "[[" * 100_000 + "x"])
def test_bracket_shapes_parse_in_linear_time(text: str):
    from explainer.markdown import make_markdown
    seconds, _ = _cpu_seconds(lambda: make_markdown().parse(text))
    assert seconds < 10, f"{seconds:.1f} s"


def test_a_long_quote_that_is_not_verbatim_is_reported_in_bounded_time(cli, project: Path):
    words = [f"w{n % 997}x{n % 13}" for n in range(60_000)]
    paragraph = " ".join(words)[:400_000]
    _write(project / "seeds/long.txt", "---\ntitle: Long\n---\n" + paragraph + "\n")
    quote = " ".join(words[1000:1400])[:3000] + " not in the seed"
    with open(project / "content/quotes.yaml", "a", encoding="utf-8") as handle:
        handle.write(f'- speaker: ada-lovelace\n  seed: long\n  text: "{quote}"\n')
    seconds, result = _cpu_seconds(lambda: cli("build", "-j", "1"))
    assert result.exit_code == 1
    assert "content/quotes.yaml:5:3: error: quote 'q2' is not verbatim in seed 'long' (closest paragraph is p1" \
        in result.output
    assert seconds < 10, f"{seconds:.1f} s"


def test_ten_thousand_entities_in_one_paragraph_link_in_bounded_time(project: Path):
    from explainer.engine import prepare
    from explainer.errors import Problems
    from explainer.link import MAX_CO_MENTIONED
    from explainer.pipeline import BuildOptions

    names = [f"Zq{n:05d}" for n in range(10_000)]
    _write(project / ENT, "".join(f"- id: e{n}\n  name: {name}\n  kind: person\n  summary: S.\n"
                                  for n, name in enumerate(names)))
    for name in ("timeline", "quotes", "notes", "glossary"):
        _write(project / f"content/{name}.yaml", "[]\n")
    _write(project / "content/site.yaml", "title: T\n")
    _write(project / SEED, "---\ntitle: E\n---\n" + " ".join(names) + "\n")
    options = BuildOptions(root=project, out=project / "site", jobs=1, theme=REPO)

    def load_and_link():
        return prepare(options, Problems()).linked

    seconds, linked = _cpu_seconds(load_and_link)
    assert seconds < 10, f"{seconds:.1f} s"
    assert len(linked.mentions_of("e9999")) == 1
    assert sum(len(c) for c in linked.co_mentions.values()) == MAX_CO_MENTIONED * (MAX_CO_MENTIONED - 1)


# --- properties -------------------------------------------------------------------------------

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ID_LIKE = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
CONTROLS = st.sampled_from([chr(c) for c in [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0)]])
INVISIBLES = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
                              "\u2069", "\u2060", "\ufeff", "\u061c", "\u2028", "\u2029"])


def _schema_problems(kind: str, item: dict):
    from explainer.errors import Problems
    from explainer.yamldoc import YamlDoc
    from explainer.validate import check_schema

    problems = Problems()
    doc = YamlDoc("content/x.yaml", [item], value_at={(): (1, 1), (0,): (2, 3)})
    check_schema(doc, item, (0,), kind, problems)
    return problems.errors


@PROPERTY
@given(ident=ID_LIKE, at=st.integers(0, 30), newline=st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x85"]))
def test_any_id_with_a_newline_is_refused(ident: str, at: int, newline: str):
    at = min(at, len(ident))
    bad = ident[:at] + newline + ident[at:]
    for field in ("id", "related", "redirect_from"):
        value = [bad] if field != "id" else bad
        entity = {"id": "x", "name": "X", "kind": "person", "summary": "S.", field: value}
        errors = _schema_problems("ENTITY", entity)
        assert errors and all("\n" not in p.format() and "\r" not in p.format() for p in errors), errors


@PROPERTY
@given(before=st.text(max_size=8, alphabet=st.characters(categories=["L", "N", "Zs"])), char=CONTROLS | INVISIBLES,
       after=st.text(max_size=8, alphabet=st.characters(categories=["L", "N"])))
def test_any_control_or_invisible_character_in_a_name_is_refused_and_never_echoed(before, char, after):
    entity = {"id": "x", "name": before + char + after or "x", "kind": "person", "summary": "S."}
    errors = _schema_problems("ENTITY", entity)
    assert errors, repr(entity["name"])
    assert any(f"U+{ord(char):04X}" in p.message for p in errors)
    assert all(char not in p.format() for p in errors)


@PROPERTY
@given(char=CONTROLS.filter(lambda c: c != "\r"))  # (CR is a line end, and becomes one)
def test_any_control_character_in_a_seed_is_refused_at_its_place(char: str):
    from explainer.errors import Problems
    from explainer.load import load_seed

    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"adv-seed-{os.getpid()}"
    (folder / "seeds").mkdir(parents=True, exist_ok=True)
    path = folder / "seeds/s.txt"
    path.write_bytes(("First line.\nSecond " + char + " line.\n").encode("utf-8"))
    problems = Problems()
    assert load_seed(path, folder, problems) is None
    assert [str(p.where) for p in problems.errors] == ["seeds/s.txt:2:8"]
    assert char not in problems.errors[0].format()
    shutil.rmtree(folder)


SEGMENTS = st.sampled_from(["content", "seeds", "templates", "static", ".git", "site", "public", "x", "..", "."])


@PROPERTY
@given(parts=st.lists(SEGMENTS, min_size=1, max_size=4))
def test_any_out_inside_the_project_is_refused_or_owns_only_itself(tmp_path_factory, parts):
    from explainer.output import OutputRefused, check_output, protected_folders

    project = tmp_path_factory.mktemp("p")
    for name in ("content", "seeds", ".git"):
        _write(project / name / "keep.txt", "x")
    out = project.joinpath(*parts)
    try:
        real = check_output(out, project)
    except OutputRefused:
        return
    for folder in protected_folders(project, None):
        assert folder != real and folder not in real.parents and real not in folder.parents or \
            folder == project.resolve() and project.resolve() in real.parents


def test_a_property_out_build_leaves_the_sources_alone(cli, project: Path):
    """The real build, for the folders the property above checks without building."""
    _git(project)
    for parts in (["."], ["content"], [".git"], ["seeds", ".."], ["site", "..", "static"], ["x", "..", ".."]):
        before = snapshot(project.parent)
        result = cli("build", "-j", "1", "--out", str(project.joinpath(*parts)))
        assert result.exit_code == 2, (parts, result.output)
        assert snapshot(project.parent) == before
