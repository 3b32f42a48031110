"""Which templates a template saved in the preview affects: itself and every template that
extends, includes or imports it, found with Jinja's own `meta.find_referenced_templates`."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import jinja2
import jinja2.meta
from jinja2 import nodes
from jinja2.loaders import split_template_path

from ..render import precompile


def referenced_templates(env: jinja2.Environment, source: str) -> set[str]:
    """The templates a template names in its extends, include, import and from tags (names
    computed at run time are not known until then, and are left out, as Jinja leaves them)."""
    return _references(_parse(env, source))


def _parse(env: jinja2.Environment, source: str, name: str | None = None,
           filename: str | None = None) -> nodes.Template | None:
    try:
        return env.parse(source, name, filename)
    except jinja2.TemplateSyntaxError:  # reported, with its line, when a page is rendered with it
        return None


def _references(tree: nodes.Template | None) -> set[str]:
    return {name for name in jinja2.meta.find_referenced_templates(tree) if name} if tree is not None else set()


@dataclass(frozen=True)
class _Known:
    """A template as last read: its file's stamp then, a hash of its source, what it references."""

    stamp: tuple[int, int] | None  # (mtime in ns, size); None: read it again every time
    digest: bytes
    refs: set[str]


class TemplateGraph:
    """The references of every template. A saved template is read again (and parsed again only
    if its source changed); the others only when their file's stamp changed, a save the watcher
    did not report."""

    def __init__(self) -> None:
        self._known: dict[str, _Known] = {}

    def read(self, env: jinja2.Environment, name: str, compile_ahead: bool = False) -> None:
        """Read one template again; `compile_ahead` also compiles it into the environment's code
        cache (render.precompile), from the same parse: Jinja's parse of a large template is a
        third of its compile."""
        stamp = _stamp(env, name)  # before the read: a write after it changes the stamp again
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:  # removed, or refused by the file gate (reported when a page uses it)
            self._known.pop(name, None)
            return
        digest = hashlib.blake2b(source.encode(), digest_size=16).digest()
        known = self._known.get(name)
        tree = None
        if known is None or known.digest != digest:
            tree = _parse(env, source, name, filename)
            # found before compiling: Jinja's optimizer folds constant names in the tree it compiles
            known = _Known(stamp, digest, _references(tree))
        self._known[name] = _Known(stamp, digest, known.refs)
        if compile_ahead:
            precompile(env, name, source, filename, tree)

    def affected(self, env: jinja2.Environment, names: set[str]) -> set[str]:
        """`template:<name>` for the changed templates and every template that uses them, directly
        or not. The changed ones are read again and compiled ahead, unless `read` did that for
        the same source already (the pages are rendered with that code)."""
        for name in names:
            self.read(env, name, compile_ahead=True)
        listed = env.list_templates()
        for name in listed:
            known = self._known.get(name)
            if name not in names and (known is None or known.stamp is None or known.stamp != _stamp(env, name)):
                self.read(env, name)
        graph = {name: self._known[name].refs for name in listed if name in self._known}
        self._known = {name: self._known[name] for name in graph}
        affected = set(names)
        grew = True
        while grew:
            grew = False
            for name, refs in graph.items():
                if name not in affected and refs & affected:
                    affected.add(name)
                    grew = True
        return {f"template:{name}" for name in affected}


def _stamp(env: jinja2.Environment, name: str) -> tuple[int, int] | None:
    """The template file's modification time and size (None if the loader reads no folder)."""
    folders = getattr(env.loader, "searchpath", None)
    if not folders:
        return None
    try:
        stat = os.stat(os.path.join(folders[0], *split_template_path(name)))
    except (OSError, jinja2.TemplateNotFound):
        return None
    return stat.st_mtime_ns, stat.st_size
