"""URL policy: where every page lives under the base URL, and which URLs may reach a page at all
(only http, https, mailto and relative ones)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

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
    """Every URL of the site in one place, under the base URL's path."""

    def __init__(self, base_url: str):
        self.base = base_url
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
        return self.page(f"glossary/#term-{ident}")

    def event(self, ident: str) -> str:
        return self.page(f"timeline/#event-{ident}")
