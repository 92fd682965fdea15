"""The load test (bench/load_test.py) stays runnable: its requests name pages that exist, its locustfile loads."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from bench.load_mix import API_CLASSES, API_REQUESTS, WEB_CLASSES, WEB_PAGES, fill

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_every_request_of_the_load_mixes_resolves_to_a_view() -> None:
    requests = [r for pages in WEB_PAGES.values() for r in pages] + [r for reqs in API_REQUESTS.values() for r in reqs]
    unresolved = []
    for req in requests:
        try:
            resolve(urlsplit(fill(req.url, {})).path)
        except Resolver404:
            unresolved.append(f"{req.name}: {req.url}")
    assert not unresolved, unresolved
    assert set(WEB_CLASSES.values()) == set(WEB_PAGES), "every web role needs its pages"
    assert set(API_CLASSES.values()) == set(API_REQUESTS), "every API client needs its requests"


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust (dev extra) is not installed")
def test_locustfile_defines_one_user_class_per_role() -> None:
    # In a child process: importing locust patches the standard library with gevent.
    script = (
        "import locustfile, locust;"
        "print(sorted(n for n in dir(locustfile) if isinstance(getattr(locustfile, n), type)"
        " and issubclass(getattr(locustfile, n), locust.HttpUser) and not getattr(locustfile, n).abstract))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=BENCH, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sorted([*WEB_CLASSES, *API_CLASSES]))
