#!/bin/sh
# Lighthouse 12.8.2 on home, article and an entity page at the mobile and desktop presets, with
# Debian's Chromium, offline, against a compressing local server (serve_compressed.py).
# Usage: sh benchmarks/lighthouse/run.sh [SITE_DIR] [RUNS]   (from the repository root)
# Lighthouse is installed once into a scratch folder outside the repository (it is not a test
# dependency: one run takes about 15 s a page). Prints each run's four scores and the median
# performance score per page and preset.
set -eu
site=${1:-site}; runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
tools=${LIGHTHOUSE_DIR:-${TMPDIR:-/tmp}/explainer-lighthouse}
out=$(mktemp -d)
[ -x "$tools/node_modules/.bin/lighthouse" ] || npm install --prefix "$tools" -E --no-audit --no-fund lighthouse@12.8.2 >/dev/null
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
python3 "$here/serve_compressed.py" "$port" "$site" & server=$!
trap 'kill $server' EXIT
sleep 1
for page in "home:/" "article:/articles/musk-putin-spacex/" "entity:/entities/elon-musk/"; do
  name=${page%%:*}; path=${page#*:}
  for preset in mobile desktop; do
    extra=""; [ $preset = desktop ] && extra="--preset=desktop"
    run=1
    while [ $run -le "$runs" ]; do
      CHROME_PATH=/usr/bin/chromium "$tools/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" --quiet $extra \
        --output=json --output-path="$out/$name-$preset-$run.json" \
        --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$(mktemp -d)" 2>/dev/null
      run=$((run + 1))
    done
    node -e '
      const [dir, name, preset, runs] = process.argv.slice(1);
      const keys = ["performance", "accessibility", "best-practices", "seo"];
      const all = [];
      for (let i = 1; i <= Number(runs); i++) {
        const r = require(`${dir}/${name}-${preset}-${i}.json`);
        all.push(keys.map(k => Math.round(r.categories[k].score * 100)));
      }
      const perf = all.map(s => s[0]).sort((a, b) => a - b);
      console.log(`${name} ${preset}: runs ${all.map(s => s.join("/")).join("  ")}  median performance ${perf[perf.length >> 1]}`);
    ' "$out" "$name" "$preset" "$runs"
  done
done
