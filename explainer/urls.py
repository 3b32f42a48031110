"""URL policy: where every page lives under the base URL, and which URLs may reach a page at all
(only http, https, mailto and relative ones)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .sections import Sections

SAFE_SCHEMES = ("http", "https", "mailto")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def is_safe_url(url: str, allow_relative: bool = True) -> bool:
    """True for http(s)/mailto URLs (and relative ones if allowed); false for javascript:, data: and the like."""
    if not isinstance(url, str) or not url or _CONTROL.search(url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme:
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return False
        return parts.scheme.lower() == "mailto" or bool(parts.netloc)
    if url.strip().startswith("//"):
        return False  # protocol-relative: leaves the site without saying how
    return allow_relative


class Urls:
    """Every URL of the site in one place, under the base URL's path. `sections` says which page of
    a split glossary or timeline holds each term and event (sections.sections_of)."""

    def __init__(self, base_url: str, sections: Sections = Sections()):
        self.base = base_url
        self.sections = sections
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
        self.prefix = urlsplit(base_url).path or "/"
        if not self.prefix.endswith("/"):
            self.prefix += "/"

    def page(self, path: str) -> str:
        return self.prefix + path.lstrip("/")

    def article_list(self, number: int) -> str:
        """Page `number` of the list of articles (1: /articles/)."""
        return self.page("articles/" if number == 1 else f"articles/page/{number}/")

    def glossary(self, section: str = "") -> str:
        """The glossary (its page `section`, "a", when it is split by letter)."""
        return self.page(f"glossary/{section}/" if section else "glossary/")

    def timeline(self, section: str = "") -> str:
        """The timeline (its page `section`, "1990s" or "2024", when it is split by period)."""
        return self.page(f"timeline/{section}/" if section else "timeline/")

    def output(self, url: str) -> str:
        """The file under the output folder that serves a page's URL: "/entities/x/" is
        "entities/x/index.html" (every page's output path is made here)."""
        path = url[len(self.prefix):] if url.startswith(self.prefix) else url.lstrip("/")
        return path + "index.html" if path == "" or path.endswith("/") else path

    def absolute(self, url: str) -> str:
        """Make a URL from page() absolute, for canonical links, feeds and the sitemap."""
        return self.origin + url

    def article(self, slug: str) -> str:
        return self.page(f"articles/{slug}/")

    def paragraph(self, slug: str, index: int) -> str:
        return self.paragraph_in(self.article(slug), index)

    def paragraph_in(self, article_url: str, index: int) -> str:
        """A paragraph's URL from its article's (for lists of many paragraphs of one article)."""
        return f"{article_url}#p{index}"

    def entity(self, ident: str) -> str:
        return self.page(f"entities/{ident}/")

    def term(self, ident: str) -> str:
        return f"{self.glossary(self.sections.term_page.get(ident, ''))}#term-{ident}"

    def event(self, ident: str) -> str:
        return f"{self.timeline(self.sections.event_page.get(ident, ''))}#event-{ident}"
