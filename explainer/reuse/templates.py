"""Which templates a template saved in the preview affects: itself and every template that
extends, includes or imports it, found with Jinja's own `meta.find_referenced_templates`."""
from __future__ import annotations

import hashlib

import jinja2
import jinja2.meta


def referenced_templates(env: jinja2.Environment, source: str) -> set[str]:
    """The templates a template names in its extends, include, import and from tags (names
    computed at run time are not known until then, and are left out, as Jinja leaves them)."""
    try:
        return {name for name in jinja2.meta.find_referenced_templates(env.parse(source)) if name}
    except jinja2.TemplateSyntaxError:  # reported, with its line, when a page is rendered with it
        return set()


class TemplateGraph:
    """The references of every template, each parsed again only when its source changes."""

    def __init__(self) -> None:
        self._refs: dict[str, tuple[bytes, set[str]]] = {}  # name → (hash of its source, references)

    def affected(self, env: jinja2.Environment, names: set[str]) -> set[str]:
        """`template:<name>` for the changed templates and every template that uses them, directly or not."""
        graph: dict[str, set[str]] = {}
        for name in env.list_templates():
            try:
                source = env.loader.get_source(env, name)[0]
            except jinja2.TemplateNotFound:  # refused by the file gate: reported when a page uses it
                continue
            digest = hashlib.blake2b(source.encode(), digest_size=16).digest()
            known = self._refs.get(name)
            if known is None or known[0] != digest:
                known = self._refs[name] = (digest, referenced_templates(env, source))
            graph[name] = known[1]
        affected = set(names)
        grew = True
        while grew:
            grew = False
            for name, refs in graph.items():
                if name not in affected and refs & affected:
                    affected.add(name)
                    grew = True
        return {f"template:{name}" for name in affected}
