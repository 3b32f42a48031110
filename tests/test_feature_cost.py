"""benchmarks/feature_cost.py measures the build without its search index and link check: its stubs
must really take those features out (a renamed function would otherwise leave a "stubbed" build
doing everything, and the figures it gives would say the opposite of what they seem to)."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers import REPO

SCRIPT = REPO / "benchmarks" / "feature_cost.py"


def build(variant: str, out, project=REPO) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--variant", variant, "--project", str(project), "--out", str(out)],
                   check=True, capture_output=True)


@pytest.mark.parametrize("variant, search_passages", [("full", True), ("no search", False),
                                                      ("no search, no check", False)])
def test_each_variant_builds_the_site_with_what_it_keeps(tmp_path, variant, search_passages):
    out = tmp_path / "site"
    build(variant, out)
    assert (out / "index.html").is_file() and (out / "entities" / "index.html").is_file()
    assert any((out / "search-index" / "pages").glob("*.json")) == search_passages


def test_the_no_check_variant_misses_a_broken_link_the_full_build_reports(tmp_path):
    """The link check is what the third variant drops: a template's broken link fails the full
    build (the check sees it) and passes without the check."""
    project = tmp_path / "project"
    for part in ("content", "seeds", "templates", "static"):
        shutil.copytree(REPO / part, project / part)
    base = project / "templates" / "base.html"
    assert "</footer>" in base.read_text()
    base.write_text(base.read_text().replace("</footer>", '<a href="/no-such-page/">x</a></footer>', 1))
    with pytest.raises(subprocess.CalledProcessError):
        build("full", tmp_path / "full", project)
    build("no search, no check", tmp_path / "unchecked", project)
    assert "/no-such-page/" in (tmp_path / "unchecked" / "index.html").read_text()
