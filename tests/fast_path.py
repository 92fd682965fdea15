"""What the fast-path tests share (credit feeds, hazard list): the stack without FastPathMiddleware, to compare
its answers with (the fixture `drf_calls`, in tests/conftest.py, records what DRF dispatched)."""

from __future__ import annotations

from django.conf import settings

WITHOUT_FAST_PATH = [m for m in settings.MIDDLEWARE if not m.endswith("FastPathMiddleware")]
