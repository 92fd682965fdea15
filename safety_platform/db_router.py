"""A read replica for the departments' feeds (README "Deploying at scale").

Departments pull the ratings and blacklist feeds all day; those reads can go to a PostgreSQL streaming
replica so they never compete with inspectors' writes on the primary. Off unless `DATABASE_REPLICA_URL`
is set: then `settings.DATABASES["replica"]` exists and `ReadReplicaMiddleware` marks GET/HEAD requests
under `READ_REPLICA_PATHS` (the feeds by default), and `ReplicaRouter` sends their reads to the replica.

Everything else reads the primary, and so do these, even inside a feed request:
- writes (always the primary; a replica is read-only);
- accounts, API keys, tokens and sessions: a key revoked a moment ago must stop working at once, not when
  the replica catches up (replication lag is usually well under a second, but not guaranteed);
- reads inside a transaction on the primary (Django keeps related reads on the instance's database).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse

REPLICA = "replica"
# Apps whose rows decide who may read (identity, keys, sessions, lockouts): always read from the primary.
PRIMARY_ONLY_APPS = frozenset({"safety_platform", "auth", "sessions", "authtoken", "axes", "contenttypes"})

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads of a marked request go to the replica; every write and every other read to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _reading_replica.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db and instance._state.db != REPLICA:
            return None  # a relation followed from a row read on the primary stays there
        return REPLICA if replica_configured() else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"  # the replica follows the primary's schema through replication


def _on_replica(content: Any) -> Any:
    iterator = iter(content)
    while True:
        token = _reading_replica.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reading_replica.reset(token)
        yield chunk


class ReadReplicaMiddleware:
    """Marks GET/HEAD requests under `settings.READ_REPLICA_PATHS` to read from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._applies(request):
            return self.get_response(request)
        token = _reading_replica.set(True)
        try:
            response = self.get_response(request)
        finally:
            _reading_replica.reset(token)
        if isinstance(response, StreamingHttpResponse):
            # A streamed export reads its rows while it is sent, after this method has returned.
            response.streaming_content = _on_replica(response.streaming_content)
        return response

    @staticmethod
    def _applies(request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD") or not replica_configured():
            return False
        return any(request.path.startswith(prefix) for prefix in getattr(settings, "READ_REPLICA_PATHS", ()))
