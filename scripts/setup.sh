#!/usr/bin/env bash
# Install everything the platform needs into .venv and node_modules. Idempotent and quick when
# nothing changed (it compares pyproject.toml / package-lock.json with what was installed last).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed for the front-end libraries (Bootstrap, ECharts)." >&2
  exit 1
fi
lockstamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$lockstamp" ]; then
  echo "==> installing front-end libraries from the npm registry (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$lockstamp"
fi
mkdir -p var/celery/queue var/celery/processed var/media
# The browser tests (marked `browser`) use Debian's Chromium; their screenshots need a Chinese font.
if [ -x /usr/bin/chromium ] && ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "note: no Chinese font found; browser-test screenshots will show boxes. As root:" >&2
  echo "      apt-get install -y fonts-wqy-microhei" >&2
fi
if [ -x /usr/bin/chromium ] && [ ! -f /usr/lib/chromium/locales/zh-CN.pak ]; then
  echo "note: Chromium's file and date inputs will read English in browser-test screenshots. As root:" >&2
  echo "      apt-get install -y chromium-l10n" >&2
fi
