"""Failure counting in memory and, when a server is reachable, in Redis."""
import socket
import uuid

import pytest

from app.auth.throttle import Throttle


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


STORAGES = ["memory://", pytest.param("redis://127.0.0.1:6379/15", marks=pytest.mark.skipif(
    not redis_reachable(), reason="no Redis server on 127.0.0.1:6379"))]


@pytest.mark.parametrize("storage", STORAGES)
def test_throttle_counts_failures_per_key(storage):
    throttle = Throttle(storage, "3/minute")
    namespace = f"test-{uuid.uuid4()}"  # Redis is shared: keep runs apart
    for _ in range(3):
        assert throttle.check(namespace, "account:a", "address:1") is None
        throttle.fail(namespace, "account:a", "address:1")
    refused = throttle.check(namespace, "account:a")
    assert refused is not None and 1 <= refused.retry_after <= 60
    assert throttle.check(namespace, "account:b") is None
    assert throttle.check(namespace, "account:b", "address:1") is not None
    throttle.clear(namespace, "account:a")
    assert throttle.check(namespace, "account:a") is None


def test_two_workers_share_counts_through_redis():
    if not redis_reachable():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    namespace = f"test-{uuid.uuid4()}"
    worker_one = Throttle("redis://127.0.0.1:6379/15", "2/minute")
    worker_two = Throttle("redis://127.0.0.1:6379/15", "2/minute")
    worker_one.fail(namespace, "account:a")
    worker_two.fail(namespace, "account:a")
    assert worker_one.check(namespace, "account:a") is not None
