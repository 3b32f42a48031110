"""The preview's search index, refreshed off the save-to-page path once the author pauses."""
from __future__ import annotations

import bisect
import gc
import hashlib
import sys
import threading
import time
from typing import TYPE_CHECKING, Callable

from selectolax.lexbor import LexborHTMLParser

from ..pages import PageSpec
from ..jobs import RenderedPage
from ..search import (
    Postings,
    SearchRecord,
    build_index,
    invert,
    is_term_path,
    page_fragment_path,
    search_record,
    term_path,
)

if TYPE_CHECKING:
    from .session import Session

REINDEX_AFTER_SECONDS = 3.0  # the refresh waits for a pause in saving


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class LivePostings:
    """Each word's pages and counts (search.Postings, pages ascending), updated page by page: a
    changed page's old words are taken out and its new ones put in, instead of inverting every
    page again (at 5,000 articles, most of the index's cost)."""

    def __init__(self, words: Postings) -> None:
        self.words = words

    def update(self, indexed: dict[int, SearchRecord], records: list[tuple[int, SearchRecord]]) -> set[str]:
        """Bring the postings from the `indexed` records to `records`; returns the words whose
        postings may have changed."""
        touched: set[str] = set()
        now = dict(records)
        for number in indexed.keys() - now.keys():
            touched |= self._remove(number, indexed[number])
        for number, record in records:
            old = indexed.get(number)
            if old is not record:
                if old is not None:
                    touched |= self._remove(number, old)
                touched |= self._add(number, record)
        return touched

    def _remove(self, number: int, record: SearchRecord) -> set[str]:
        for word in record.terms:
            pages, counts = self.words[word]
            at = bisect.bisect_left(pages, number)
            del pages[at], counts[at]
            if not pages:
                del self.words[word]
        return set(record.terms)

    def _add(self, number: int, record: SearchRecord) -> set[str]:
        for word, count in record.terms.items():
            entry = self.words.get(word)
            if entry is None:
                self.words[word] = ([number], [count])
            else:
                at = bisect.bisect_left(entry[0], number)
                entry[0].insert(at, number)
                entry[1].insert(at, count)
        return set(record.terms)


class SearchRefresh:
    """The search index of a session's pages, as last written, and the timer that refreshes it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.files: dict[str, bytes] = {}  # the search index as last made
        self.digests: dict[str, bytes] = {}  # a hash of each index file as it is on disk
        self.kept: set[str] = set()  # index files left as they are (passages of a record without them, untouched terms)
        # a CI build's (eager_search): each word's pages as last indexed, and the records they came from
        self.postings: LivePostings | None = None
        self.indexed: dict[int, SearchRecord] = {}  # the record indexed for each page number
        self.numbered: list[PageSpec] | None = None  # the pages those numbers refer to
        self.records: dict[PageSpec, tuple[bytes, SearchRecord | None]] = {}  # per page: made from these bytes
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def schedule(self) -> None:
        """Re-index search once the author pauses (a few seconds after the last rebuild)."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(REINDEX_AFTER_SECONDS, self.refresh)
        self._timer.daemon = True
        self._timer.start()

    def index(self, pause: Callable[[], None] | None = None) -> dict[str, bytes]:
        """The search index of the current pages (`pause`: the refresh's checkpoint)."""
        session = self.session
        with session._state_lock:  # a consistent set of pages; the index itself is built outside
            pages = [(spec, session.site.pages.get(spec)) for spec in session.site.specs]
        records, self.kept = [], set()
        for number, (spec, page) in enumerate(pages):
            if pause is not None:
                pause()
            if page is None or not page.output.endswith(".html"):
                continue
            record = page.search if page.search is not None else self._record(spec, page)
            if record is not None:
                records.append((number, record))
                if record.fragment is None:  # (a CI cache's record: the file of the build before stands)
                    self.kept.add(page_fragment_path(number))
        for gone in self.records.keys() - {spec for spec, _ in pages}:
            del self.records[gone]
        if not session.eager_search:  # (the preview's refresh runs beside builds: it keeps no postings)
            return build_index(records, pause=pause)
        specs = [spec for spec, _ in pages]
        if self.postings is None or self.numbered != specs:  # page numbers moved: invert every page again
            self.postings = LivePostings(invert(records))
            files = build_index(records, self.postings.words)
        else:
            touched = self.postings.update(self.indexed, records)
            files = build_index(records, self.postings.words, words=touched)
            shards = {term_path(word) for word in touched}
            self.kept |= {name for name in self.digests if is_term_path(name) and name not in shards}
        self.indexed, self.numbered = dict(records), specs
        return files

    def state(self, strip: Callable[[SearchRecord], SearchRecord]) -> dict:
        """What a CI build keeps for the next: the index files' hashes, the postings and the
        records they were made from (`strip`ped of their passages, as the pages keep them)."""
        return {"digests": self.digests, "postings": self.postings, "numbered": self.numbered,
                "indexed": {number: strip(record) for number, record in self.indexed.items()}}

    def adopt(self, state: dict) -> None:
        self.files, self.records = {}, {}
        self.digests, self.postings, self.numbered = state["digests"], state["postings"], state["numbered"]
        self.indexed = state["indexed"]

    def made(self, files: dict[str, bytes], digests: dict[str, bytes] | None = None) -> None:
        """The index files now on disk (with the passage files `index` kept as they were)."""
        kept = {name: self.digests[name] for name in self.kept if name in self.digests}
        self.files = files
        self.digests = {**kept, **(digests if digests is not None else {n: _digest(d) for n, d in files.items()})}

    def _record(self, spec: PageSpec, page: RenderedPage) -> SearchRecord | None:
        """The search record of a page rendered without one, made from its bytes once."""
        known = self.records.get(spec)
        if known is None or known[0] is not page.data:  # re-rendered since it was last indexed
            if page.data is None:
                return None
            known = self.records[spec] = (page.data, search_record(LexborHTMLParser(page.data.decode("utf-8")), page.url))
        return known[1]

    def give_way(self) -> None:
        """The refresh's checkpoint: wait while a build runs, or is about to (a template save was
        just seen and is being compiled ahead: that must not share the interpreter either)."""
        session = self.session
        while True:
            session._idle.wait()
            if time.monotonic() >= session._rebuild_expected_until:
                return
            time.sleep(0.002)

    def refresh(self, background: bool = True) -> None:
        """Refresh the search index after the pages are on disk: only the index files that
        changed are rewritten, each atomically. (`background` False: within a build, which it
        then need not give way to.)

        It runs in a thread of the server, so it stops at a checkpoint every few hundred
        microseconds of work while a rebuild runs, and asks the interpreter to switch threads
        often (every 0.5 ms instead of 5 ms): otherwise each file the rebuild writes could cost it
        a 5 ms wait to get the interpreter back.
        """
        with self._lock:
            interval = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, 0.0005))
            # no cyclic collection meanwhile: one would walk every object made since the last
            # full build without a checkpoint (a rebuild re-enables it when it ends anyway)
            gc.disable()
            try:
                pause = self.give_way if background else None
                files = self.index(pause=pause)
                digests = {name: _digest(data) for name, data in files.items()}
                stale = [name for name in self.digests if name not in digests and name not in self.kept]
                changed = {name: data for name, data in files.items() if self.digests.get(name) != digests[name]}
                self.session.write_files(changed, stale, pause=pause)
                self.made(files, digests)
            except Exception:  # search is a convenience in preview; the next full build reports it
                if not background:
                    raise
            finally:
                sys.setswitchinterval(interval)
                if self.session._idle.is_set():
                    gc.enable()
