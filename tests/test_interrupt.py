"""Nothing lost: a build killed at any moment leaves the previous site whole, and the next build
cleans up after it. `build.py new` keeps every byte of the file it appends to."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import REPO, edit, tree_hash


def start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project), "build"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_builds_never_leave_a_half_written_site(cli, project: Path):
    assert cli("build").exit_code == 0
    old = tree_hash(project / "site")
    edit(project / "seeds/engines.txt", "outlived", "outlasted")
    assert cli("build", "--out", str(project / "expected")).exit_code == 0
    new = tree_hash(project / "expected")
    states = set()
    # kill the build at many different moments (from start-up through render, write and swap)
    for delay in [0.05 * i for i in range(2, 30)]:
        process = start_build(project)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        current = tree_hash(project / "site")
        assert current in (old, new), f"half-written site after a kill at {delay:.2f} s"
        states.add("old" if current == old else "new")
        if current == new:
            break
    assert "old" in states  # some kills did land before the swap
    # the next full run removes whatever temporary folders the kills left behind
    assert cli("build").exit_code == 0
    assert tree_hash(project / "site") == new
    assert [p.name for p in project.iterdir() if p.name.startswith(".site.")] == []


def test_new_appends_without_touching_existing_bytes(cli, project: Path):
    path = project / "content/glossary.yaml"
    path.write_bytes(path.read_bytes().rstrip(b"\n") + b"  # a trailing comment, no final newline")
    before = path.read_bytes()
    result = cli("new", "term", "new-term")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(before) and b"- id: new-term" in after[len(before):]
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_new_refuses_what_it_cannot_append_safely(cli, project: Path):
    path = project / "content/quotes.yaml"
    path.write_text("[]\n")
    (project / "content/timeline.yaml").write_text('[{id: a, date: "2020", title: T, sources: [{title: t, url: "https://x.org"}]}]\n')
    before = (project / "content/timeline.yaml").read_bytes()
    result = cli("new", "event", "b")
    assert result.exit_code == 1
    assert (project / "content/timeline.yaml").read_bytes() == before
