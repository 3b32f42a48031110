"""Constants and helpers shared by the browser tests (imported by conftest.py and the test modules)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# tooling.md: the flags chromium needs as root with a closed network (Playwright adds --headless itself).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
VENV_BIN = Path(sys.executable).parent

ARTICLE = "/articles/musk-putin-spacex/"
# One page of each kind; the 404 page is reached through a path that does not exist.
PAGES = {
    "home": "/",
    "article": ARTICLE,
    "entities": "/entities/",
    "entity": "/entities/elon-musk/",
    "timeline": "/timeline/",
    "glossary": "/glossary/",
    "map": "/map/",
    "search": "/search/",
    "data": "/data/",
    "404": "/no-such-page/",
}


def card_data(page) -> dict:
    """The preview-card data a page embeds in <script type="application/json" id="card-data">."""
    return json.loads(page.locator("#card-data").text_content())


def load_yaml(name: str):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load((REPO / "content" / name).read_text(encoding="utf-8"))
