"""The API key use log (ApiKeyUse, ApiKey.last_used_at) without a database write on every read.

Departments pull the credit feeds all day; logging each request as it came wrote a row (and often
updated the key) on every read. Now each web process keeps the uses of a key in memory and writes
them in one flush, at most once per key and `API_KEY_USE_FLUSH_SECONDS` (60):

- the first request of a key in a window flushes at once (so a new key's first use, or the first
  use after a quiet minute, shows straight away);
- later requests in the window only append to the buffer (no write, no wait);
- the buffer is written by the first request after the window, or by a timer thread at the end of
  the window (so the log and "last used" lag by at most about a minute even when the key goes
  quiet), or at process exit.

A flush is one multi-row INSERT of the uses, plus an UPDATE of `last_used_at` only when the stored
value is a minute old (with several workers, the first one to flush in a minute updates it).

Why not Redis: a cache round trip per request is what we are saving, and the request path must
not wait on Redis when it is down. The cost of the in-process buffer: with N web processes a key
gets up to N flushes a minute, and a process killed with SIGKILL loses at most its last minute of
uses (the feed answers themselves are unaffected).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from ..models import ApiKey, ApiKeyUse

logger = logging.getLogger(__name__)

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# A key hammered faster than this per window is flushed early: memory stays bounded.
MAX_BUFFERED = 5000

_lock = threading.Lock()
# Keyed by (key id, prefix): ids are reused when a test database rolls back, prefixes are random.
_pending: dict[tuple[int, str], list[ApiKeyUse]] = {}  # uses not yet written
_window_started: dict[tuple[int, str], float] = {}  # monotonic time of the key's last flush
_timer: threading.Timer | None = None
_clock = time.monotonic  # tests move it


def flush_seconds() -> float:
    return float(getattr(settings, "API_KEY_USE_FLUSH_SECONDS", 60))


def api_key_use_record(*, key: ApiKey, method: str, path: str) -> None:
    """Log one authenticated request; writes only when the key's window (per process) has ended."""
    use = ApiKeyUse(
        key_id=key.pk,
        prefix=key.prefix,
        department_id=key.department_id,
        at=timezone.now(),
        method=method[:8],
        path=path[:300],
    )
    tick = _clock()
    window = (key.pk, key.prefix)
    with _lock:
        batch = _pending.setdefault(window, [])
        batch.append(use)
        started = _window_started.get(window)
        if started is not None and tick - started < flush_seconds() and len(batch) < MAX_BUFFERED:
            _schedule(started + flush_seconds() - tick)
            return
        _window_started[window] = tick
        del _pending[window]
    _write(key.pk, batch, known_last_used=key.last_used_at)


def api_key_use_flush(*, due_only: bool = False) -> int:
    """Write the buffered uses now (all of them, or those whose window has ended); returns how many."""
    with _lock:
        now = _clock()
        period = flush_seconds()
        due = [w for w in _pending if not due_only or now - _window_started.get(w, now - period) >= period]
        batches = [(window, _pending.pop(window)) for window in due]
        for window in due:
            _window_started[window] = now
        if _pending:  # the others' windows end later
            _schedule(min(_window_started[w] + period - now for w in _pending))
    written = 0
    for (key_id, _prefix), batch in batches:
        _write(key_id, batch, known_last_used=None)
        written += len(batch)
    return written


def _write(key_id: int, batch: list[ApiKeyUse], *, known_last_used: dt.datetime | None) -> None:
    ApiKeyUse.objects.bulk_create(batch)
    newest = batch[-1].at
    if known_last_used is not None and known_last_used > newest - LAST_USED_RESOLUTION:
        return  # shown to the minute: another flush (or process) stamped it less than a minute ago
    # Never move it back: another process may have stamped a later use meanwhile.
    ApiKey.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=newest), pk=key_id).update(
        last_used_at=newest
    )


def _schedule(delay: float) -> None:
    """One timer per process at a time (called with the lock held)."""
    global _timer
    if not getattr(settings, "API_KEY_USE_BACKGROUND_FLUSH", True):
        return
    if _timer is not None and _timer.is_alive():
        return
    _timer = threading.Timer(max(delay, 0.1), _flush_in_background)
    _timer.daemon = True
    _timer.start()


def _flush_in_background() -> None:
    global _timer
    with _lock:
        _timer = None  # this one has fired: the flush may schedule the next
    try:
        api_key_use_flush(due_only=True)
    except Exception:  # a lost minute of usage log must not kill the thread silently
        logger.exception("Writing the API key use log failed; these uses are lost.")
    finally:
        # This thread's own connection (Django's connections are per thread).
        connections.close_all()


def _flush_at_exit() -> None:
    # Off with the timer (the test settings): a test run's leftover buffers belong to rolled-back keys.
    if not _pending or not getattr(settings, "API_KEY_USE_BACKGROUND_FLUSH", True):
        return
    try:
        api_key_use_flush()
    except Exception:  # at exit there is nobody left to tell but the log
        logger.exception("Writing the API key use log at exit failed.")


atexit.register(_flush_at_exit)


def reset_for_tests() -> None:
    """Forget every buffer and window (tests that need a first request to flush again)."""
    global _timer
    with _lock:
        _pending.clear()
        _window_started.clear()
        if _timer is not None:
            _timer.cancel()
            _timer = None
