"""WSGI entry point (gunicorn safety_platform.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.production")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their URL and model tables) lives as long as the process: move
# it out of the collector's reach, so that a full collection walks only what requests create (issue 16:
# about 5 ms every ~50 requests on the feeds), and forked gunicorn workers keep sharing those pages.
gc.freeze()
