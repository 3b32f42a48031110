"""Check the rendered site before it is written: every internal link and #anchor must resolve."""
from __future__ import annotations

import re
from dataclasses import dataclass
from posixpath import normpath
from sys import intern
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .errors import Location, Problem


@dataclass
class _PageScan:
    ids: set[str]
    duplicate_ids: list[str]
    links: list[str]

    def add_id(self, value: str) -> None:
        if value in self.ids:
            self.duplicate_ids.append(value)
        self.ids.add(value)


def scan_page(html: str) -> _PageScan:
    """Every id and every href/src of a page (a real HTML parser, lexbor, so the check sees what browsers see)."""
    return scan_tree(LexborHTMLParser(html))


def scan_tree(tree: LexborHTMLParser) -> _PageScan:
    """The ids and links of a parsed page. The strings are interned: most repeat across pages (p1,
    the navigation, popular entities), so a render worker's results carry each once per chunk."""
    scan = _PageScan(set(), [], [])
    for node in tree.css("[id]"):
        value = node.id
        scan.add_id(intern(value) if value is not None else value)
    links = scan.links
    for node in tree.css("[href], [src]"):  # an entity page of a large site has hundreds of links
        attributes = node.attributes  # (a dict made on each call: once per element)
        href, src = attributes.get("href"), attributes.get("src")
        if href is not None:
            if node.tag == "link" and attributes.get("rel") in ("canonical", "alternate"):
                continue  # the page's absolute address and its feed's, not links to check
            links.append(intern(href))
        if src is not None:
            links.append(intern(src))
    return scan


def _file_for(path: str, files: dict[str, bytes]) -> str | None:
    """Map a site path (/entities/x/) to the output file that serves it."""
    name = path.lstrip("/")
    if name == "" or name.endswith("/"):
        name += "index.html"
    if name in files:
        return name
    if name + "/index.html" in files:
        return name + "/index.html"
    return None


def _normal(path: str) -> str:
    """A site path with `.` and `..` resolved and its trailing slash kept (the form in which a
    link from any folder is compared)."""
    return normpath(path) + ("/" if path.endswith("/") and path != "/" else "")


def check_links(files: dict[str, bytes], prefix: str = "/") -> list[Problem]:
    """Report internal links to missing files or missing #anchors, and duplicate ids, per page."""
    scans = {name: scan_page(data.decode("utf-8")) for name, data in files.items() if name.endswith(".html")}
    return check_scanned(scans, files, prefix)


# a link without these characters is a plain path: urlsplit would return it unchanged as the path
_PLAIN_PATH_TROUBLE = re.compile(r"[:?#\\\s\x00-\x1f]")


def check_scanned(scans: dict[str, _PageScan], files, prefix: str = "/", only: set[str] | None = None,
                  resolved: dict | None = None) -> list[Problem]:
    """Resolve the links of already-scanned pages against the set of output files.

    `only` limits the check to some pages (the ones a rebuild re-rendered); the others still
    serve as link targets. `resolved` keeps
    where each link (without its #fragment) leads, for as long as the set of files is the same
    (the preview server keeps it between rebuilds).
    """
    problems = []
    resolved = {} if resolved is None else resolved  # most links repeat across pages

    def resolve(page_dir: str, name: str, link: str) -> tuple[str | None, str]:
        """(target file or None, what is wrong with "{link}" in it) for one link without its fragment,
        seen from one folder."""
        if link and not _PLAIN_PATH_TROUBLE.search(link) and not link.startswith("//"):
            path = link if link.startswith("/") else page_dir + link  # most links: no URL parsing needed
        else:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                return None, ""
            if not parts.path:
                return name, ""
            path = parts.path if parts.path.startswith("/") else page_dir + parts.path
        path = unquote(_normal(path))
        if not path.startswith(prefix):
            return None, "link '{link}' points outside the site"
        target = _file_for(path[len(prefix) - 1:], files)
        if target is None:
            return None, "broken link '{link}': no such page"
        return target, ""

    def verdict(name: str, page_dir: str, link: str) -> str | None:
        """What is wrong with one link of one page, or None."""
        if link.startswith("#"):
            target, fragment = name, link[1:]  # same page, whatever folder
        else:
            address, _, fragment = link.partition("#")
            if address[:1] in ("?", ""):  # no path ("?query"): this very page, whichever it is
                found = resolve(page_dir, name, address)
            else:
                key = (page_dir if not link.startswith("/") else "", address)
                found = resolved.get(key)
                if found is None:
                    found = resolved[key] = resolve(page_dir, name, address)
            target, error = found
            if error:
                return error.replace("{link}", link)
        if fragment and target in scans and unquote(fragment) not in scans[target].ids:
            return f"broken link '{link}': no element with id '{fragment}'"
        return None

    # A link with a path means the same from every page of a folder (most repeat across many
    # pages: navigation, entities, paragraphs); its verdict holds for this check, while no page changes.
    verdicts: dict[tuple[str, str], str | None] = {}

    def judged(folder: str, name: str, page_dir: str, link: str) -> str | None:
        """verdict(), once per link and folder (`folder` "" for a link from the site's root)."""
        key = (folder, link)
        if key not in verdicts:
            verdicts[key] = verdict(name, page_dir, link)
        return verdicts[key]

    # A link from the site's root that resolves does so from every page: most links are such
    # (navigation, entities, paragraphs), and one set lookup then settles them.
    sound: set[str] = set()
    names = sorted(scans) if only is None else sorted(name for name in only if name in scans)
    for name in names:
        scan = scans[name]
        where = Location(f"site/{name}")
        for duplicate in sorted(set(scan.duplicate_ids)):
            problems.append(Problem(where, f"duplicate id '{duplicate}' in the page"))
        page_dir = "/" + name.rsplit("/", 1)[0] + "/" if "/" in name else "/"
        ids = scan.ids
        for link in scan.links:
            if link in sound:
                continue
            first = link[:1]
            if first == "#" and link[1:] in ids and "%" not in link:
                continue  # an anchor of this very page (a ¶ link, the table of contents)
            if first in ("#", "?", ""):
                problem = verdict(name, page_dir, link)  # about this very page
            elif first == "/":
                problem = judged("", name, page_dir, link)
                if problem is None:
                    sound.add(link)
            else:  # relative: the same link from the root may have been judged already
                address, hash_, fragment = link.partition("#")
                rooted = None
                if address and not _PLAIN_PATH_TROUBLE.search(address) and not address.startswith("//"):
                    rooted = _normal(page_dir + address) + hash_ + fragment
                    if rooted.startswith("//"):
                        rooted = None  # ("./" from the root page): not a path to share a verdict with
                    elif rooted in sound:
                        continue
                problem = judged(page_dir, name, page_dir, link)
                if problem is None and rooted is not None:
                    sound.add(rooted)
            if problem:
                problems.append(Problem(where, problem))
    return problems
