"""FolderWriter: names are checked like safe_relative checks them, whatever it has cached.

The writer skips the full check for a name whose folder it has made already; these tests hold
that shortcut to the same verdicts and the same files as checking every name in full.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.write import FolderWriter, UnsafeOutputPath, safe_relative

PART = st.sampled_from(["a", "b", "index.html", ".", "..", "", "a\\b", "c.json"])
NAME = st.lists(PART, min_size=1, max_size=4).map("/".join) | st.sampled_from(["/a", "/a/b", "a//b", "a/./b"])


def _expected(name: str) -> str | None:
    try:
        return "/".join(safe_relative(name).parts)
    except UnsafeOutputPath:
        return None


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@settings(max_examples=150, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=12))
def test_every_name_is_refused_or_written_where_safe_relative_puts_it(names):
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "out"
        folder.mkdir()
        writer = FolderWriter(folder)
        expected: dict[str, bytes] = {}
        for number, name in enumerate(names):
            where = _expected(name)
            data = f"{number}:{name}".encode()
            if where is None:
                with pytest.raises(UnsafeOutputPath):
                    writer.write(name, data)
                continue
            if any(other == where or other.startswith(where + "/") or where.startswith(other + "/")
                   for other in expected if other != where):
                continue  # a file where a folder must go (or the reverse): not what this test is about
            writer.write(name, data)
            expected[where] = data
        assert _files(folder) == expected
        assert sorted(p.name for p in Path(temporary).iterdir()) == ["out"]


def test_a_file_is_replaced_whole_and_large_data_is_written_in_full(tmp_path):
    writer = FolderWriter(tmp_path)
    writer.write("a/b.bin", b"x" * 100)
    writer.write("a/b.bin", b"y")
    big = bytes(range(256)) * 40_000  # 10 MB
    writer.write("a/c.bin", big)
    assert (tmp_path / "a" / "b.bin").read_bytes() == b"y"
    assert (tmp_path / "a" / "c.bin").read_bytes() == big
