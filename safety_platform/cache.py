"""A Redis cache that degrades to "no cache" when Redis is down, instead of hanging or raising.

With short socket timeouts (settings) a stopped Redis fails a call in well under a second; this
wrapper turns that failure into a cache miss and logs it (at most once a minute per process), so
pages and rate limits keep working: reads miss, writes are dropped, counters start from zero
(a rate limit fails open during the outage, and says so in the log).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_last_logged = 0.0
# After a failure the cache is not tried again for a few seconds: one slow timeout per outage
# window, not one per cache call (a page may make several).
_skip_until = 0.0
SKIP_SECONDS = 10.0


def _outage_errors() -> tuple[type[BaseException], ...]:
    import redis.exceptions

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _log_outage(operation: str) -> None:
    global _last_logged, _skip_until
    now = time.monotonic()
    _skip_until = now + SKIP_SECONDS
    if now - _last_logged >= 60:
        _last_logged = now
        logger.warning("cache unavailable (%s); carrying on without it", operation, exc_info=True)


def _degrade(default: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < _skip_until:
                return default(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except _outage_errors():
                _log_outage(method.__name__)
                return default(*args, **kwargs)

        return wrapper

    return decorate


def _get_default(key: Any, default: Any = None, *_: Any, **kw: Any) -> Any:
    return kw.get("default", default)


class ResilientRedisCache(RedisCache):
    get = _degrade(_get_default)(RedisCache.get)
    set = _degrade(lambda *a, **k: None)(RedisCache.set)
    add = _degrade(lambda *a, **k: True)(RedisCache.add)
    touch = _degrade(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrade(lambda *a, **k: False)(RedisCache.delete)
    get_many = _degrade(lambda *a, **k: {})(RedisCache.get_many)
    set_many = _degrade(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _degrade(lambda *a, **k: None)(RedisCache.delete_many)
    has_key = _degrade(lambda *a, **k: False)(RedisCache.has_key)
    clear = _degrade(lambda *a, **k: False)(RedisCache.clear)
    # A counter that cannot be read counts as the first hit: the caller's limit fails open.
    incr = _degrade(lambda *a, **k: 1)(RedisCache.incr)
    decr = _degrade(lambda *a, **k: 0)(RedisCache.decr)
