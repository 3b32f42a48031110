"""Check the rendered site before it is written: every internal link and #anchor must resolve."""
from __future__ import annotations

from html.parser import HTMLParser
from posixpath import normpath
from urllib.parse import unquote, urlsplit

from .errors import Location, Problem


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.duplicate_ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                if value in self.ids:
                    self.duplicate_ids.append(value)
                self.ids.add(value)
            elif name in ("href", "src") and not (tag == "link" and ("rel", "canonical") in attrs) \
                    and not (tag == "link" and ("rel", "alternate") in attrs):
                self.links.append(value)


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


def check_links(files: dict[str, bytes], prefix: str = "/", generated: tuple[str, ...] = ()) -> list[Problem]:
    """Report internal links to missing files or missing #anchors, and duplicate ids, per page.

    Links into `generated` folders (written after this check, like the search index) are skipped;
    the final site's link check in the tests covers them.
    """
    scans: dict[str, _PageScan] = {}
    for name, data in files.items():
        if name.endswith(".html"):
            scan = _PageScan()
            scan.feed(data.decode("utf-8"))
            scans[name] = scan
    problems = []
    for name, scan in sorted(scans.items()):
        where = Location(f"site/{name}")
        for duplicate in sorted(set(scan.duplicate_ids)):
            problems.append(Problem(where, f"duplicate id '{duplicate}' in the page"))
        page_dir = "/" + name.rsplit("/", 1)[0] + "/" if "/" in name else "/"
        for link in scan.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            if not parts.path:
                target = name
            else:
                path = parts.path if parts.path.startswith("/") else page_dir + parts.path
                path = unquote(normpath(path)) + ("/" if path.endswith("/") and path != "/" else "")
                if not path.startswith(prefix):
                    problems.append(Problem(where, f"link '{link}' points outside the site"))
                    continue
                if path[len(prefix):].startswith(generated) and generated:
                    continue
                target = _file_for(path[len(prefix) - 1:], files)
                if target is None:
                    problems.append(Problem(where, f"broken link '{link}': no such page"))
                    continue
            if parts.fragment and target in scans and unquote(parts.fragment) not in scans[target].ids:
                problems.append(Problem(where, f"broken link '{link}': no element with id '{parts.fragment}'"))
    return problems
