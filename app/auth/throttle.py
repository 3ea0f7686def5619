"""Counting failures (login, reset, registration) in a window shared by all workers.

Redis when REDIS_URL or RATELIMIT_STORAGE_URI is set (production, several gunicorn
workers); process memory otherwise (development, tests).
"""
import math
import time
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Throttled:
    """Refusal: how long until another attempt is allowed."""

    retry_after: int


class Throttle:
    """Failure counters per key (an account, an address) under one limit."""

    def __init__(self, storage_uri: str, limit: str):
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._limit = parse(limit)

    def check(self, namespace: str, *keys: str) -> Throttled | None:
        """A Throttled when any key has used up its attempts, else None."""
        for key in keys:
            if not self._limiter.test(self._limit, namespace, key):
                reset_at, _remaining = self._limiter.get_window_stats(self._limit, namespace, key)
                return Throttled(max(1, math.ceil(reset_at - time.time())))
        return None

    def fail(self, namespace: str, *keys: str) -> None:
        """Count one failure against every key."""
        for key in keys:
            self._limiter.hit(self._limit, namespace, key)

    def clear(self, namespace: str, *keys: str) -> None:
        """Forget the failures of these keys (after a success)."""
        for key in keys:
            self._limiter.clear(self._limit, namespace, key)
