"""Stage 5, render: turn page plans into HTML with Jinja (autoescape on, undefined names fail loudly)."""
from __future__ import annotations

import json
import re
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


CARD_LINK = re.compile(r'data-card="((?:entity|term):[a-z0-9-]+)"')


def with_cards(html: str, cards: dict[str, dict]) -> str:
    """Embed the preview-card data of the cards this page links to, as an inert JSON block.

    Scanning the finished HTML catches every cross-reference, whether a template or the markdown
    renderer made it; the page then needs no fetch to show a card.
    """
    used = sorted(set(CARD_LINK.findall(html)))
    if not used or "</body>" not in html:
        return html
    data = json_ld({key: cards[key] for key in used if key in cards})
    block = f'<script type="application/json" id="card-data">{data}</script>\n'
    at = html.rindex("</body>")
    return html[:at] + block + html[at:]


class Renderer:
    def __init__(self, env: jinja2.Environment, site: Site, urls: Urls, assets: dict[str, str],
                 cards: dict[str, dict] | None = None):
        self.env = env
        self.cards = cards or {}
        self.common = {"site": site, "urls": urls, "asset": lambda name: urls.page(assets.get(name, name)),
                       "kind_labels": KIND_LABELS}

    def render(self, plan: PagePlan) -> str:
        try:
            template = self.env.get_template(plan.template)
            html = template.render(**self.common, page=plan, **plan.context)
            return with_cards(html, self.cards) if plan.output.endswith(".html") else html
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError([Problem(Location(f"templates/{exc.name or plan.template}", exc.lineno or 0, 1),
                                        f"template syntax error: {exc.message}")]) from None
        except jinja2.UndefinedError as exc:
            raise ContentError([Problem(Location(f"templates/{plan.template}"),
                                        f"template uses an undefined value: {exc.message}",
                                        f"while rendering {plan.url}")]) from None
        except jinja2.TemplateNotFound as exc:
            raise ContentError([Problem(Location(f"templates/{exc.name}"), "template not found")]) from None
