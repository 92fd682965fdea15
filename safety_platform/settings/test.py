"""Test settings: SQLite by default, PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI)."""

from __future__ import annotations

import os

# No statement time limit in the suite: a loaded CI machine's slow setup (demo data, flushes) is not a stalled
# request. tests/platform/test_statement_timeout.py sets its own one-second limit on the connection.
os.environ.setdefault("DJANGO_DB_STATEMENT_TIMEOUT", "0")

from .base import *  # noqa: F403
from .base import BASE_DIR, REDIS_URL, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process unless a test starts a real worker (marked `redis`); that worker's environment
# turns this off, so the tasks it publishes (its outbox drain at start) go through the broker as in production.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_ = REDIS_URL
# The API key use log's timer thread would write a buffered minute into whichever test runs a minute
# later, and its flush at exit would write uses of rolled-back keys; tests flush it themselves
# (safety_platform.api.key_usage.api_key_use_flush).
API_KEY_USE_BACKGROUND_FLUSH = False
# The embedded SMS backend's file, kept apart from a developer's var/sms.log.
SMS_LOG_FILE = BASE_DIR / "var" / "test-sms.log"
