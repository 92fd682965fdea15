#!/usr/bin/env bash
# One command: install, migrate, load demo data, start a Celery worker with beat, serve the platform.
# Embedded default: SQLite in var/, Celery on kombu's filesystem broker (no Redis needed).
# With DATABASE_URL and REDIS_URL set, the same command runs on PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-safety_platform.settings.local}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Links in SMS and e-mail (a warning's acknowledgement link, risk-card QR codes) point here unless set.
if [ -z "${PUBLIC_BASE_URL:-}" ] && [ "$HOST" != "0.0.0.0" ] && [ "$HOST" != "::" ]; then
  export PUBLIC_BASE_URL="http://$HOST:$PORT"  # serving on every interface: set PUBLIC_BASE_URL yourself
fi
PY=.venv/bin/python

URL="http://$HOST:$PORT/"
if $PY - "$URL" <<'PY'; then
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass  # an answer all the same: the port is taken
except OSError:
    sys.exit(1)
PY
  echo "Something already answers on $URL: choose another port (PORT=8001 scripts/run.sh)." >&2
  exit 1
fi

echo "==> migrating the database"
$PY manage.py migrate --noinput -v0
$PY manage.py setup_schedules
echo "==> loading demo data (a second run keeps existing data, logins and the demo API key)"
$PY manage.py seed_demo | tee var/demo-logins.txt

echo "==> starting the Celery worker and beat (logs: var/celery.log)"
.venv/bin/celery -A safety_platform worker -B --pool solo --loglevel INFO \
  -s var/celerybeat-schedule >var/celery.log 2>&1 &
CELERY_PID=$!
SERVER_PID=
cleanup() {
  # runserver's autoreloader serves from a child process: stop the children, then the processes we started.
  for pid in $SERVER_PID $CELERY_PID; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> starting the web server on $URL"
$PY manage.py runserver "$HOST:$PORT" &
SERVER_PID=$!

# The banner comes only once the server answers HTTP (its health check), not when it was merely started.
if ! $PY - "$URL" "$SERVER_PID" <<'PY'; then
import os, sys, time, urllib.request
url, pid = sys.argv[1] + "healthz/", int(sys.argv[2])
deadline = time.monotonic() + float(os.environ.get("RUN_READY_TIMEOUT", "120"))
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("The web server stopped before it answered (see its messages above).")
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.5)
sys.exit(f"The web server did not answer {url} in time.")
PY
  exit 1
fi

cat <<MSG

================================================================================
 Longyan work-safety supervision platform is ready
   Web:       $URL
   API docs:  ${URL}api/docs/
   Admin:     ${URL}admin/
 Demo logins and the demo API key are listed above (also saved in var/demo-logins.txt).
 Stop with Ctrl-C.
================================================================================

MSG
wait "$SERVER_PID"
