"""Build the site: the engine's stages (engine.run), then the write, all at once or not at all.

`build`, `check` and `serve` run the same stages through engine.run: `build` writes the result
here, `check` (render_site) stops before the write, the preview session writes what changed.
"""
from __future__ import annotations

import gc
import time
from pathlib import Path

from .engine import BuildOptions, BuildResult, load_library, run
from .output import claim_output
from .write import FolderWriter, staging_folder, swap_in

__all__ = ["BuildOptions", "BuildResult", "build", "load_library", "render_site"]


def render_site(options: BuildOptions, write_to: Path | None = None) -> BuildResult:
    """Run every stage but the write; the result holds the finished files in memory, except the
    pages and search passages that the render workers wrote into `write_to`, if given."""
    collecting = gc.isenabled()
    gc.disable()  # the build makes millions of objects and frees few: full collections would walk
    try:  # them all again and again
        return run(options, write_to=write_to)
    finally:
        if collecting:
            gc.enable()


def build(options: BuildOptions) -> BuildResult:
    """Render the whole site and swap it into the output folder; on any error the output folder is
    left as it was (the pages written so far go with the staging folder). An output folder the
    build may not replace is refused (OutputRefused) before anything is read or written."""
    with claim_output(options.out, options.root, options.theme) as out, staging_folder(out) as staging:
        result = render_site(options, write_to=staging)
        clock = time.perf_counter()
        FolderWriter(staging).write_all(result.files)
        swap_in(staging, out)
    result.timings["write"] = time.perf_counter() - clock
    return result
