"""Problems found in content, each with the place it was found, and the one error that carries them."""
from __future__ import annotations

import difflib
import errno
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


# Characters echoed from content that would break a one-line message or hide what it says: C0
# and C1 controls, line and paragraph separators, bidi controls (which can reorder the text a
# terminal shows) and zero-width characters, each written as an escape.
INVISIBLE = ([*range(0x20), 0x7f, *range(0x80, 0xa0), 0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
              0x2028, 0x2029, *range(0x202a, 0x202f), *range(0x2060, 0x2065), *range(0x2066, 0x206a), 0xfeff])
_ESCAPES = {i: (f"\\x{i:02x}" if i < 0x100 else f"\\u{i:04x}") for i in INVISIBLE} | \
    {10: "\\n", 13: "\\r", 9: "\\t"}
MAX_MESSAGE = 1000  # characters of a message or hint; a 1 MB value is not echoed back whole
MAX_SHOWN = 80  # characters of one value quoted in a message


def _one_line(text: str) -> str:
    """Escape newlines and invisible characters that content echoed into a message may carry."""
    return text.translate(_ESCAPES)


def cut(text: str, limit: int) -> str:
    """The text, or its start and end around an ellipsis that says how much was left out."""
    if len(text) <= limit:
        return text
    keep = max(limit - 30, 10)
    return f"{text[:keep * 2 // 3]}… ({len(text) - keep:,} characters) …{text[len(text) - keep // 3:]}"


def shown(value: object) -> str:
    """A value quoted for a message: on one line, invisible characters escaped, long ones cut."""
    return "'" + cut(_one_line(str(value)), MAX_SHOWN) + "'"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is, and what to do about it."""

    where: Location
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", cut(self.message, MAX_MESSAGE))
        object.__setattr__(self, "hint", cut(self.hint, MAX_MESSAGE))

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
    """Return a "did you mean 'x'?" hint for the closest choice, or ''. (difflib compares in time
    quadratic in the lengths: a word longer than any id or key gets no hint.)"""
    if len(str(word)) > MAX_SHOWN:
        return ""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


# Failures of the machine rather than of the content or the code: each gets its own message and
# exit code (74, EX_IOERR), with the path, never "a bug in explainer".
_ENVIRONMENT = {
    errno.ENOSPC: "the disk is full: free some space",
    errno.EDQUOT: "the disk quota is used up: free some space",
    errno.EROFS: "the file system is read-only: build into a writable folder",
    errno.EACCES: "permission denied: check the folder's owner and permissions",
    errno.EPERM: "the operation is not permitted: check the folder's owner and permissions",
    errno.EIO: "the disk reported an input/output error",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n) or build with -j 1",
    errno.ENFILE: "the system has too many open files",
    errno.ENAMETOOLONG: "a file name is too long for this file system",
    errno.EXDEV: "the output folder and the folder beside it are on different file systems",
    errno.EBUSY: "the folder is in use (a mount point?): choose another output folder",
}
ENVIRONMENT_EXIT = 74


def environment_message(error: BaseException) -> str | None:
    """One line for an OSError the machine caused (disk full, read-only, permission), or None."""
    if not isinstance(error, OSError) or error.errno not in _ENVIRONMENT:
        return None
    path = error.filename if error.filename is not None else "(unknown path)"
    return f"error: cannot use {cut(str(path), 300)}: {error.strerror or error} ({_ENVIRONMENT[error.errno]})"
