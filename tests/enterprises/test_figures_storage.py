"""The stored shares (`EnterpriseFigures`) are rewritten in place by every credit batch that moves a grade
(2,000 a batch on the first night). Their table keeps half of each page free (migration 0011) so the new
version of a share fits on its page and neither index changes (a HOT update): without it the nightly run's
figures cost about twice as much (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres


def test_the_shares_table_leaves_room_on_each_page_for_their_rewrite(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'enterprises_enterprisefigures'")
        (options,) = cursor.fetchone()
    assert options == ["fillfactor=50"]
