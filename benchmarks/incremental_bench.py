#!/usr/bin/env python3
"""Save → rebuilt page on disk, through the real preview server (`build.py serve`).

Usage: .venv/bin/python benchmarks/incremental_bench.py [--sizes real 1000 5000 5000-split] [--repeat 5]

For each project (the real content, and the synthetic corpus at N articles, made as in
run_bench.py) it starts `build.py serve` on 127.0.0.1, waits for the first build, then for each
kind of edit requests the page once over HTTP (the author has it open, so the server renders it
first), writes a file with a unique marker and polls (every 2 ms) until the output page on disk
contains it: a one-paragraph seed edit, an entity summary edit, an edit of the entity page's
template and one of a part it includes (templates/partials/entity-mentions.html). It prints
the median save→page time, and the medians the server itself logs: until that page was written, and
for the whole rebuild (the pages that merely mention the change come after). Projects are copied
under benchmarks/_work/live/ so the real content is never touched. A size ending in "-split" keeps
each entity in its own file (content/entities/<id>.yaml) instead of one entities.yaml.
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work"


def project_for(size: str, folder: str = "live") -> tuple[Path, dict[str, tuple[Path, str, str]]]:
    """A disposable project (under _work/<folder>/), and per edit kind: (file to edit, text to
    anchor on, output page to poll)."""
    target = WORK / folder / size
    shutil.rmtree(target, ignore_errors=True)
    if size == "real":
        for name in ("content", "seeds"):
            shutil.copytree(REPO / name, target / name)
        seed = next((target / "seeds").glob("*.txt"))
        first_entity = re.search(r"- id: (\S+)", (target / "content/entities.yaml").read_text()).group(1)
        edits = {"seed paragraph": (seed, "almost hilariously anodyne", "articles/musk-putin-spacex/index.html"),
                 "entity summary": (target / "content/entities.yaml", "summary: ", f"entities/{first_entity}/index.html")}
        entity_page = f"entities/{first_entity}/index.html"
    else:
        # (prepare makes the corpus and the converted project if missing)
        from run_bench import prepare

        articles = int(size.removesuffix("-split"))
        _commands, unused_out = prepare(articles, 500)
        shutil.rmtree(unused_out)  # (the full-build benchmark's output folder; nothing writes there)
        shutil.copytree(WORK / "proj" / f"n{articles}", target)
        if size.endswith("-split"):
            split_entities(target / "content")
        seed = target / "seeds" / "article-00500.md"
        text = seed.read_text()
        anchor = text.split("\n---\n", 1)[1].split()[0]
        entities = (target / "content/entities.yaml") if not size.endswith("-split") else \
            sorted((target / "content/entities").glob("*.yaml"))[0]
        first_entity = re.search(r"- id: (\S+)", entities.read_text()).group(1)
        edits = {"seed paragraph": (seed, anchor, "articles/article-00500/index.html"),
                 "entity summary": (entities, "summary: ", f"entities/{first_entity}/index.html")}
        entity_page = f"entities/{first_entity}/index.html"
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "static", target / "static")
    edits["template"] = (target / "templates/entity.html", "<article class=\"entity\">", entity_page)
    # a part of the entity page (entity.html includes it): a save compiles only the file saved
    edits["template part"] = (target / "templates/partials/entity-mentions.html", "<h2 id=\"mentions\">", entity_page)
    return target, edits


def split_entities(content: Path) -> None:
    """content/entities.yaml → content/entities/<id>.yaml, one entry per file (the layout the
    README recommends for large sites: an edit re-reads one small file)."""
    text = (content / "entities.yaml").read_text(encoding="utf-8")
    (content / "entities").mkdir()
    for chunk in re.split(r"(?m)^(?=- id: )", text):
        if match := re.match(r"- id: (\S+)", chunk):
            (content / "entities" / f"{match.group(1)}.yaml").write_text(chunk, encoding="utf-8")
    (content / "entities.yaml").unlink()


def apply(path: Path, anchor: str, marker: str, kind: str) -> None:
    text = path.read_text(encoding="utf-8")
    if kind == "entity summary":
        # the first entity's summary (the polled page shows it), plain or double-quoted
        at = text.index(anchor) + len(anchor)
        at += 1 if text[at] == '"' else 0
        new = text[:at] + marker + " " + text[at:]
    elif kind.startswith("template"):
        new = text.replace(anchor, f"{anchor}<!-- {marker} -->", 1)
    else:
        new = text.replace(anchor, f"{marker} {anchor}", 1)
    path.write_text(new, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(size: str, repeat: int) -> dict[str, tuple[float, float, float]]:
    project, edits = project_for(size)
    log_path = WORK / "live" / f"serve-{size}.log"
    log = open(log_path, "w")
    port = free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project), "serve",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    results = {}
    try:
        deadline = time.monotonic() + 900
        while "Serving" not in log_path.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve did not start:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        time.sleep(1.0)
        for kind, (path, anchor, page) in edits.items():
            # the author has the page open: the server learns that from the page being requested
            urllib.request.urlopen(f"http://127.0.0.1:{port}/{page.removesuffix('index.html')}", timeout=30).read()
            latencies, rebuilds, firsts = [], [], []
            for attempt in range(repeat + 1):  # the first edit of each kind is a warm-up
                marker = f"zqx{kind[:3]}{attempt}{int(time.time() * 1000) % 100000}"
                lines_before = len(log_path.read_text().splitlines())
                started = time.perf_counter()
                apply(path, anchor, marker, kind)
                output = project / "site" / page
                while True:
                    try:
                        if marker in output.read_text(encoding="utf-8"):
                            break
                    except OSError:
                        pass
                    if time.perf_counter() - started > 120:
                        raise SystemExit(f"{kind}: page never showed the edit\n{log_path.read_text()[-2000:]}")
                    time.sleep(0.002)
                elapsed = (time.perf_counter() - started) * 1000
                # wait for the rebuild to finish (its dependants are written after the edited page),
                # so that the next edit is timed on an idle server
                settle = time.monotonic() + 120
                while time.monotonic() < settle and not any(
                        "✓" in line or "✗" in line for line in log_path.read_text().splitlines()[lines_before:]):
                    time.sleep(0.05)
                time.sleep(0.3)
                new_lines = log_path.read_text().splitlines()[lines_before:]
                done = [line for line in new_lines if "✓" in line]
                logged = [float(m.group(1)) for line in done if (m := re.search(r" in (\d+) ms$", line))]
                first = [float(m.group(1)) for line in done if (m := re.search(r" on disk in (\d+) ms", line))]
                if attempt:
                    latencies.append(elapsed)
                    rebuilds.extend(logged[:1])
                    firsts.extend(first[:1] or logged[:1])
                print(f"{size} {kind} #{attempt}: save→page {elapsed:.0f} ms; server: "
                      f"{'; '.join(l.strip() for l in new_lines if '✓' in l or '✗' in l)}", flush=True)
            results[kind] = (statistics.median(latencies),
                             statistics.median(firsts) if firsts else float("nan"),
                             statistics.median(rebuilds) if rebuilds else float("nan"))
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["real", "1000"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    table = {size: measure(size, args.repeat) for size in args.sizes}
    print("\n| project | edit | save→page on disk, median ms | server: page written, median ms | "
          "server: whole rebuild, median ms |")
    print("|---|---|--:|--:|--:|")
    for size, rows in table.items():
        for kind, (latency, first, rebuild) in rows.items():
            print(f"| {size} | {kind} | {latency:.0f} | {first:.0f} | {rebuild:.0f} |")


if __name__ == "__main__":
    main()
