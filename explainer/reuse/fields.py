"""The content fields' markdown (descriptions, event bodies, definitions, notes, key points),
rendered once and kept between saves while their links would come out the same.

A page shows the fields of everything it names: the real site's article page holds the bodies of
41 timeline events and 18 context notes in its margin, rendered again for every save of the
seed. A field's HTML depends on its text and on where its [[id]] links lead and what they say:
the link stage's context key (linking.py: the names and aliases of every entity and term, their
kinds, the link policy, the markdown settings and the URLs) covers all of it.
"""
from __future__ import annotations

from markdown_it import MarkdownIt

from ..link import LinkTargets
from ..markdown import MarkdownRenderer
from ..model import Library
from ..pages import Urls

MAX_FIELDS = 20_000  # distinct texts kept (every edit of a field adds one); past this, start afresh


class FieldReuse:
    """One field renderer, kept while the link context stays the same."""

    def __init__(self) -> None:
        self.context: str | None = None
        self.renderer: MarkdownRenderer | None = None

    def renderer_for(self, context: str | None, library: Library, urls: Urls, md: MarkdownIt) -> MarkdownRenderer:
        renderer = self.renderer
        if renderer is None or context is None or context != self.context or renderer.size > MAX_FIELDS:
            renderer = self.renderer = MarkdownRenderer(md, LinkTargets(library, urls))
            self.context = context
        return renderer

    def forget(self) -> None:
        self.renderer = None
