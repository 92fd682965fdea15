"""Settings of the load test's gunicorn (bench/load_test.py): production, served as plain HTTP on 127.0.0.1.

Everything is production's (DEBUG off, PostgreSQL with persistent connections, Redis cache, WhiteNoise with
the manifest storage, PBKDF2 passwords) except what only holds behind the TLS proxy production sits behind:
the cookies are not marked Secure (a client speaking http:// would drop them) and nothing redirects to https.
Collected static files go to the load test's own folder instead of the shared staticfiles/, without the
gzip/brotli copies (WhiteNoise's compression of the vendor libraries takes minutes on a busy machine, and the
load test does not fetch static files).
"""

from __future__ import annotations

from safety_platform.settings.production import *  # noqa: F403
from safety_platform.settings.production import VAR_DIR

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT = VAR_DIR / "static"
STORAGES = STORAGES | {  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
