"""Code shape: no function above a cyclomatic complexity of 25 (radon's measure) and no module
above 500 lines, in explainer/ and build.py.

Modules still being split by the refactoring of issue 21 are listed in PENDING, each with the
limit it may not exceed meanwhile; the list only shrinks (a module that passes must leave it).
"""
from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

from helpers import REPO

MAX_COMPLEXITY = 25
MAX_LINES = 500
# module → (its most complex function's complexity, its length) allowed until it is split
PENDING: dict[str, tuple[int, int]] = {
}


def _sources() -> list[Path]:
    return sorted((REPO / "explainer").rglob("*.py")) + [REPO / "build.py"]


def _shape(path: Path) -> tuple[int, int, list[str]]:
    text = path.read_text(encoding="utf-8")
    blocks = cc_visit(text)
    worst = max((block.complexity for block in blocks), default=0)
    return worst, len(text.splitlines()), [f"{b.name} ({b.complexity})" for b in blocks if b.complexity > MAX_COMPLEXITY]


def test_functions_and_modules_stay_small():
    too_big = []
    for path in _sources():
        name = path.relative_to(REPO).as_posix()
        worst, lines, complex_ = _shape(path)
        complexity_limit, line_limit = PENDING.get(name, (MAX_COMPLEXITY, MAX_LINES))
        if worst > complexity_limit:
            too_big.append(f"{name}: complexity above {complexity_limit}: {', '.join(complex_)}")
        if lines > line_limit:
            too_big.append(f"{name}: {lines} lines, more than {line_limit}")
    assert not too_big, "\n".join(too_big)


def test_pending_modules_are_still_pending():
    """A module that meets the limits leaves PENDING, so it cannot grow back."""
    passing = [name for name in PENDING if (REPO / name).exists()
               and _shape(REPO / name)[0] <= MAX_COMPLEXITY and _shape(REPO / name)[1] <= MAX_LINES]
    assert not passing, f"remove from PENDING (they pass now): {passing}"
