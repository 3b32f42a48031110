"""The preview's file watcher (explainer/watch.py): a save is reported once, as soon as it is
complete, however the editor writes it; never while the file is half-written or briefly gone."""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from explainer import watch as watch_module
from explainer.watch import _Batch, settles_at_once, watch

LONG_QUIET_MS = 3000  # far longer than any wait below: a report sooner proves no quiet period was waited out
SOON = 1.5  # seconds: a finished save is reported well within this

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


class Watching:
    """A watcher on `folder` in a thread, and the batches it reported."""

    def __init__(self, folder: Path, quiet_ms: int = LONG_QUIET_MS) -> None:
        self.batches: list[set[Path]] = []
        self.arrived = threading.Condition()
        self.stop, ready = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=watch, args=([folder], self._record, self.stop, quiet_ms),
                                       kwargs={"ready": ready}, daemon=True)
        self.thread.start()
        assert ready.wait(10), "the watcher never said it was ready"

    def _record(self, paths: set[Path]) -> None:
        with self.arrived:
            self.batches.append(paths)
            self.arrived.notify_all()

    def wait_for(self, count: int, seconds: float = SOON) -> list[set[Path]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.batches) >= count, timeout=seconds)
            return list(self.batches)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive()


@pytest.fixture
def watching(tmp_path: Path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "entities.yaml").write_text("- id: a\n", encoding="utf-8")
    watcher = Watching(tmp_path / "content")
    yield watcher, tmp_path / "content"
    watcher.close()


@linux_only
def test_linux_reports_saves_without_a_quiet_period():
    assert settles_at_once()


@linux_only
def test_a_save_in_place_is_reported_once_as_soon_as_it_is_closed(watching):
    watcher, content = watching
    target = content / "entities.yaml"
    started = time.monotonic()
    with open(target, "w", encoding="utf-8") as file:  # truncated: the save has begun
        file.write("- id: b\n")
        file.flush()
        time.sleep(0.3)
        assert watcher.batches == [], "a file still open for writing was reported"
    assert watcher.wait_for(1) == [{target}]
    assert time.monotonic() - started < 0.3 + SOON < LONG_QUIET_MS / 1000
    time.sleep(0.3)
    assert watcher.batches == [{target}], "one save, one report"


@linux_only
def test_a_copy_renamed_into_place_is_reported_and_the_hidden_copy_is_not(watching):
    watcher, content = watching
    target, temporary = content / "entities.yaml", content / ".entities.yaml.tmp"
    temporary.write_text("- id: c\n", encoding="utf-8")
    time.sleep(0.2)
    assert watcher.batches == [], "an editor's hidden temporary file was reported"
    os.replace(temporary, target)
    assert watcher.wait_for(1) == [{target}]


@linux_only
def test_a_file_renamed_away_and_written_again_is_one_save(watching):
    """vim's default save: the file is renamed to a backup, written anew, the backup removed.
    While it is gone the watcher waits (a rebuild then would report it missing)."""
    watcher, content = watching
    target = content / "entities.yaml"
    os.replace(target, content / "entities.yaml~")
    time.sleep(0.3)
    assert watcher.batches == [], "a file gone for a moment was reported"
    target.write_text("- id: d\n", encoding="utf-8")
    (content / "entities.yaml~").unlink()
    assert watcher.wait_for(1) == [{target}]


@linux_only
def test_a_deleted_file_is_reported_after_the_quiet_period(tmp_path: Path):
    (tmp_path / "content").mkdir()
    target = tmp_path / "content" / "entities.yaml"
    target.write_text("- id: a\n", encoding="utf-8")
    watcher = Watching(tmp_path / "content", quiet_ms=50)
    try:
        target.unlink()
        assert watcher.wait_for(1) == [{target}]
    finally:
        watcher.close()


@linux_only
def test_a_new_folder_is_watched_and_its_files_reported(watching):
    watcher, content = watching
    folder = content / "entities"
    folder.mkdir()
    (folder / "a.yaml").write_text("id: a\n", encoding="utf-8")
    batches = watcher.wait_for(1)
    assert folder / "a.yaml" in set().union(*batches)
    count = len(watcher.wait_for(99, seconds=0.3))
    (folder / "a.yaml").write_text("id: b\n", encoding="utf-8")  # a save in the new folder
    assert watcher.wait_for(count + 1)[count:] == [{folder / "a.yaml"}]


def test_a_file_made_and_removed_in_one_batch_was_never_there():
    """vim writes and removes a file named 4913 to learn whether it may write in the folder."""
    batch = _Batch()
    probe, save = Path("content/4913"), Path("content/entities.yaml")
    batch.create(probe)
    batch.finish(probe)
    batch.begin(save)
    batch.lose(probe)
    assert batch.unsettled  # the save is still being written
    batch.finish(save)
    assert not batch.unsettled and batch.done == {save}


def test_a_file_being_written_is_reported_once_the_quiet_period_passes():
    batch = _Batch()
    batch.begin(Path("content/log.yaml"))
    assert batch.unsettled and not batch.done
    batch.settle()
    assert not batch.unsettled and batch.done == {Path("content/log.yaml")}


def test_without_inotify_saves_are_reported_after_a_quiet_period(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(watch_module, "_inotify", lambda: None)
    assert not settles_at_once()
    (tmp_path / "content").mkdir()
    watcher = Watching(tmp_path / "content", quiet_ms=10)
    try:
        target = tmp_path / "content" / "entities.yaml"
        target.write_text("- id: a\n", encoding="utf-8")
        assert target in set().union(*watcher.wait_for(1, seconds=10))
    finally:
        watcher.close()
