"""A CI build with the on-disk cache (`build --cache DIR`): the preview's session, carried from
one build to the next. It ends byte-identical to a clean build of the same sources.

With a usable cache, the last output's files are linked into a fresh staging folder, the session
re-renders just the pages the changed source files affect (writing them over their links), and
the staging folder is swapped in, as a clean build's is. Without one, the session builds
everything. Either way the cache is then written for the next build.
"""
from __future__ import annotations

import gc
import os
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ..engine import BuildOptions, BuildResult
from ..output import claim_output
from ..write import staging_folder, swap_in
from . import disk
from .session import Session


def cached_build(options: BuildOptions, folder: Path, warn: Callable[[str], None]) -> BuildResult:
    """Build into options.out, reusing what `folder` holds of the last build; then update it."""
    # the state knows the source files by path: spelled one way, so a build of the same project
    # through another path (a symlink) still finds them
    options = replace(options, root=Path(os.path.realpath(options.root)))
    folder = disk.check_cache_place(folder, options)
    with claim_output(options.out, options.root, options.theme) as out, staging_folder(out) as staging:
        folder.mkdir(parents=True, exist_ok=True)
        stored = disk.read(folder, options, warn)
        session = Session(options, out=staging, eager_search=True)
        collecting = gc.isenabled()
        gc.disable()
        try:
            if stored is not None:
                disk.fill(staging, folder, stored.mirror)
                session.adopt(stored.state)
                session.prefilled = set(stored.mirror)
                changed, unchanged = disk.changed_sources(session.file_cache, stored.hashes, options.root)
                report = session.rebuild(changed)
            else:
                unchanged = {}
                report = session.build_all()
        finally:
            if collecting:
                gc.enable()
        names = session.outputs()
        swap_in(staging, out)
        if stored is not None:
            stamps = disk.update_mirror(out, session.written, session.deleted, folder, stored.mirror)
        else:
            stamps = disk.mirror(out, names, folder)
        disk.write(folder, options, disk.Stored(session.state(), disk.source_hashes(session.file_cache, unchanged),
                                                stamps))
    return BuildResult({name: b"" for name in names}, [], list(report.warnings))
