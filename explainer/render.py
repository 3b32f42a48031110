"""Stage 5, render: turn page plans into HTML with Jinja (autoescape on, undefined names fail loudly)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .errors import ContentError, Location, Problem
from .model import Site
from .pages import KIND_LABELS, PagePlan, Urls


def make_environment(templates: Path) -> jinja2.Environment:
    """One Jinja environment per process: templates compile once and are reused for every page."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["json_ld"] = json_ld
    return env


def json_ld(data: Any) -> Markup:
    """Serialise JSON-LD so that it can never close its <script> element early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


class Renderer:
    def __init__(self, env: jinja2.Environment, site: Site, urls: Urls, assets: dict[str, str],
                 page_globals: dict[str, Any] | None = None):
        self.env = env
        self.common = {"site": site, "urls": urls, "asset": lambda name: urls.page(assets.get(name, name)),
                       "kind_labels": KIND_LABELS, **(page_globals or {})}

    def render(self, plan: PagePlan) -> str:
        try:
            template = self.env.get_template(plan.template)
            return template.render(**self.common, page=plan, **plan.context)
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError([Problem(Location(f"templates/{exc.name or plan.template}", exc.lineno or 0, 1),
                                        f"template syntax error: {exc.message}")]) from None
        except jinja2.UndefinedError as exc:
            raise ContentError([Problem(Location(f"templates/{plan.template}"),
                                        f"template uses an undefined value: {exc.message}",
                                        f"while rendering {plan.url}")]) from None
        except jinja2.TemplateNotFound as exc:
            raise ContentError([Problem(Location(f"templates/{exc.name}"), "template not found")]) from None
