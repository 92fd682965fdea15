"""Median timings the benchmarks share: call a function a few times on the same connection, keep the median."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    """Milliseconds: the median of `repeat` calls, after one warm-up call that is not counted."""
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def median_time(fn: Callable[[], Any], runs: int = 5) -> float:
    """Seconds: the median of `runs` calls, every one counted (no warm-up)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
