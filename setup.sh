#!/usr/bin/env bash
# Set up everything the build and the tests need, on a fresh Debian/Ubuntu machine or an existing one.
# Idempotent: run it again after pulling. System packages are installed only when missing (needs root/sudo).
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system packages: ${need_apt[*]}"
  $sudo apt-get update -qq
  for attempt in 1 2 3; do   # another apt may hold the dpkg lock for a moment
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null && break
    sleep 20
  done
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Netlify's own config parser, used by the tests to check netlify.toml (pinned in package-lock.json)
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
else
  echo "npm not found: install Node.js (apt-get install -y nodejs npm) for the netlify.toml tests" >&2
fi
echo "Setup done: .venv and node_modules ready."
