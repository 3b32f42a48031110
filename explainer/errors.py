"""Problems found in content, each with the place it was found, and the one error that carries them."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column count from 1 (0 means unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path


_CONTROL = {i: f"\\x{i:02x}" for i in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t", 127: "\\x7f"}


def _one_line(text: str) -> str:
    """Escape newlines and control characters that content echoed into a message may carry."""
    return text.translate(_CONTROL)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is, and what to do about it."""

    where: Location
    message: str
    hint: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        """Render as `file:line:col: severity: message (hint)`, always on one line."""
        text = f"{self.where}: {self.severity}: {_one_line(self.message)}"
        if self.hint:
            text += f" ({_one_line(self.hint)})"
        return text

    def as_dict(self) -> dict:
        return {
            "path": self.where.path,
            "line": self.where.line,
            "col": self.where.col,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


class ContentError(Exception):
    """The content has problems an author must fix; carries every one of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self):
        # keep the problems when the error crosses from a render worker process to the main one
        return (ContentError, (self.problems,))


def _problem_order(problem: Problem) -> tuple:
    return (problem.where.path, problem.where.line, problem.where.col, problem.message)


@dataclass
class Problems:
    """A collector that stages append to, so that all problems are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, where: Location, message: str, hint: str = "") -> None:
        self.items.append(Problem(where, message, hint, "error"))

    def warning(self, where: Location, message: str, hint: str = "") -> None:
        self.items.append(Problem(where, message, hint, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self.errors)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return a "did you mean 'x'?" hint for the closest choice, or ''."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
