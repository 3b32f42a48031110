"""The repository stands alone: no tracked file reaches outside it (a clone has no sibling folders)."""
from __future__ import annotations

import re
import subprocess

from helpers import REPO

# A path that climbs out of the repository to a sibling folder, written the ways Python and shell do.
OUTSIDE = re.compile(r"""\.\./shared|parent\s*/\s*["']shared["']|REPO\.parent|HERE\.parent\.parent""")


def test_no_tracked_file_reads_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files", "*.py", "*.sh", "*.toml", "*.json", "*.ini", "*.cfg", ".ci/*"],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in tracked:
        if name == "tests/test_self_contained.py":
            continue
        text = (REPO / name).read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert not offenders, "files that reach outside the repository:\n" + "\n".join(offenders)
