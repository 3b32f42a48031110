"""Fixtures: a tiny fixture project copied into tmp_path, and the CLI pointed at it."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# `pytest --hypothesis-profile=long` runs a longer fuzzing session (hypothesis reads the profile
# before the test modules are imported, so it is registered here).
settings.register_profile("long", max_examples=2000, deadline=None)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import MINI, Cli  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture project (content/ and seeds/; templates come from the repo)."""
    target = tmp_path / "proj"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def cli(project: Path) -> Cli:
    return Cli(project)
