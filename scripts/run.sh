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
PY=.venv/bin/python

echo "==> migrating the database"
$PY manage.py migrate --noinput -v0
$PY manage.py setup_schedules
echo "==> loading demo data"
$PY manage.py seed_demo | tee var/demo-logins.txt

echo "==> starting the Celery worker and beat (logs: var/celery.log)"
.venv/bin/celery -A safety_platform worker -B --pool solo --loglevel INFO \
  -s var/celerybeat-schedule >var/celery.log 2>&1 &
CELERY_PID=$!
trap 'kill $CELERY_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG

================================================================================
 Longyan work-safety supervision platform is starting
   Web:       http://$HOST:$PORT/
   API docs:  http://$HOST:$PORT/api/docs/
   Admin:     http://$HOST:$PORT/admin/
 Demo logins are listed above (also saved in var/demo-logins.txt).
 Stop with Ctrl-C.
================================================================================

MSG
$PY manage.py runserver "$HOST:$PORT"
