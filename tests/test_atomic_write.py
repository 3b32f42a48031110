"""write.atomic_write, the one way a single file is replaced: whole or not at all, with its
permissions, nothing left behind, and failures that name the file (exit 74 from the CLI)."""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import write
from explainer.write import atomic_write


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@settings(max_examples=30, deadline=None)
@given(old=st.binary(max_size=200), new=st.binary(max_size=200), durable=st.booleans())
def test_the_file_holds_the_new_bytes_and_nothing_else_is_left(tmp_path_factory, old, new, durable):
    folder = tmp_path_factory.mktemp("w")
    path = folder / "entities.yaml"
    path.write_bytes(old)
    atomic_write(path, new, durable=durable)
    assert path.read_bytes() == new
    assert [p.name for p in folder.iterdir()] == ["entities.yaml"]


def test_permissions_kept_for_an_existing_file_and_from_the_umask_for_a_new_one(tmp_path: Path):
    kept = tmp_path / "kept.yaml"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    atomic_write(kept, b"new")
    assert mode(kept) == 0o640
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "sub" / "new.yaml", b"new")  # the folder is made too
    finally:
        os.umask(umask)
    assert mode(tmp_path / "sub" / "new.yaml") == 0o644


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_leaves_the_old_file_and_names_it(tmp_path: Path, monkeypatch, failing: str):
    path = tmp_path / "glossary.yaml"
    path.write_bytes(b"old bytes")

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a full disk reports it: no file name

    monkeypatch.setattr(write.os, failing, fail)
    with pytest.raises(OSError) as raised:
        atomic_write(path, b"new bytes")
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(path)
    assert path.read_bytes() == b"old bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.yaml"]


def test_an_interrupt_leaves_the_old_file(tmp_path: Path, monkeypatch):
    path = tmp_path / "glossary.yaml"
    path.write_bytes(b"old bytes")

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(write.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, b"new bytes")
    assert path.read_bytes() == b"old bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.yaml"]


def test_new_on_a_full_disk_exits_74_with_the_path_and_keeps_the_file(cli, project: Path, monkeypatch):
    path = project / "content/glossary.yaml"
    before = path.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(write.os, "fsync", full)
    result = cli("new", "term", "new-term")
    assert result.exit_code == 74, result.output
    assert "content/glossary.yaml" in result.output and "the disk is full" in result.output
    assert "bug in explainer" not in result.output
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
