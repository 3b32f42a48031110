"""A page's plan: where it goes, which template makes it from which context, and what it is built from."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .urls import Urls


@dataclass(frozen=True)
class PagePlan:
    url: str  # site-relative, "/entities/elon-musk/"
    output: str  # file under the output folder, "entities/elon-musk/index.html"
    template: str  # "" for a data file: its text is context["body"]
    kind: str  # home | article | entity | entities | timeline | glossary | 404
    title: str
    description: str
    context: dict[str, Any] = field(hash=False, compare=False)
    deps: frozenset[str] = frozenset()


def planned(urls: Urls, url: str, *fields, **named) -> PagePlan:
    """A page's plan, with its output file found from its URL (by Urls.output, like every page's)."""
    return PagePlan(url, urls.output(url), *fields, **named)
