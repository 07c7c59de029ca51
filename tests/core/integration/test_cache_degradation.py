"""The Redis cache degrades when Redis is down, and readiness still tells the truth."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ResponseError
from rest_framework.test import APIClient

from apps.core.cache import DegradingRedisCache, count_hit, count_hit_reading
from tests.core.redis_server import RedisServer
from tests.metrics import sample
from tests.real_estates.helpers import PAYLOAD
from tests.users.factories import DEFAULT_PASSWORD

DEGRADED = "vivenda_cache_degraded_total"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _cache_settings(url: str, retry_seconds: float = 0) -> dict[str, Any]:
    """Both caches on the Redis at `url`, as the settings put them on `REDIS_URL`."""
    return {
        alias: {
            "BACKEND": "apps.core.cache.DegradingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "vivenda-test",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "DEGRADED_RETRY_SECONDS": retry_seconds,
            },
        }
        for alias in ("default", "reads")
    }


@pytest.fixture
def redis_cache(redis_server: RedisServer) -> DegradingRedisCache:
    return DegradingRedisCache(redis_server.url, _cache_settings(redis_server.url)["default"])


def test_it_behaves_as_the_redis_cache_while_redis_is_up(redis_cache: DegradingRedisCache) -> None:
    redis_cache.set("greeting", {"pt-BR": "olá"}, 30)
    assert redis_cache.get("greeting") == {"pt-BR": "olá"}
    assert redis_cache.add("lock", "1", 30) is True
    assert redis_cache.add("lock", "1", 30) is False
    redis_cache.set("hits", 1, 30)
    assert redis_cache.incr("hits", 2) == 3
    assert redis_cache.get_many(["greeting", "missing"]) == {"greeting": {"pt-BR": "olá"}}
    assert redis_cache.has_key("lock") is True
    assert redis_cache.delete("lock") is True


def test_it_answers_without_redis_when_redis_is_down(
    redis_server: RedisServer, redis_cache: DegradingRedisCache
) -> None:
    redis_cache.set("greeting", "olá", 30)
    redis_server.stop()
    before = sample(DEGRADED, operation="get")

    assert redis_cache.get("greeting") is None
    assert redis_cache.get("greeting", "fallback") == "fallback"
    assert redis_cache.add("lock", "1", 30) is True  # a lock degrades to "go ahead"
    assert redis_cache.incr("hits", 5) == 5  # a counter degrades to a fresh one
    assert redis_cache.decr("hits", 2) == -2
    assert redis_cache.get_many(["greeting"]) == {}
    assert redis_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert redis_cache.has_key("greeting") is False
    assert redis_cache.touch("greeting") is False
    assert redis_cache.delete("greeting") is False
    redis_cache.set("greeting", "olá", 30)
    redis_cache.delete_many(["a", "b"])
    redis_cache.clear()
    assert sample(DEGRADED, operation="get") == before + 2


def test_strict_view_raises_when_redis_is_down(
    redis_server: RedisServer, redis_cache: DegradingRedisCache
) -> None:
    redis_server.stop()
    with pytest.raises(RedisConnectionError):
        redis_cache.strict.get("anything")


def test_it_uses_redis_again_once_redis_is_back(
    redis_server: RedisServer, redis_cache: DegradingRedisCache
) -> None:
    redis_server.stop()
    assert redis_cache.add("lock", "1", 30) is True
    redis_server.start()
    assert redis_cache.add("lock", "1", 30) is True
    assert redis_cache.add("lock", "1", 30) is False


def test_it_skips_redis_for_the_retry_window_after_a_failure(redis_server: RedisServer) -> None:
    params = _cache_settings(redis_server.url, retry_seconds=3600)["default"]
    cache_with_window = DegradingRedisCache(redis_server.url, params)
    redis_server.stop()
    assert cache_with_window.get("key") is None
    redis_server.start()
    # Redis is back, but this process waits for the window before trying it again.
    cache_with_window.strict.set("key", "value", 30)
    assert cache_with_window.get("key") is None
    assert cache_with_window.strict.get("key") == "value"


@pytest.fixture
def api_on_stopped_redis(redis_server: RedisServer, settings: Any) -> Iterator[None]:
    settings.CACHES = _cache_settings(redis_server.url)
    settings.ROOT_URLCONF = "tests.core.ops_urls"
    redis_server.stop()
    yield
    redis_server.start()  # so the autouse fixture's cache.clear() has a server to talk to


@pytest.mark.django_db
def test_api_keeps_serving_and_throttles_allow_when_redis_is_down(
    api_on_stopped_redis: None, api_client: APIClient
) -> None:
    for _ in range(4):  # twice the throttle's rate: with no shared state to count in, allow
        assert api_client.get("/api/v1/throttled").status_code == 200
    response = api_client.post("/api/v1/throttled", {}, HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 201
    assert response.json() == {"first": True}


@pytest.mark.django_db
def test_ready_reports_the_cache_when_redis_is_down(
    api_on_stopped_redis: None, api_client: APIClient
) -> None:
    response = api_client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


@pytest.mark.django_db
def test_throttle_counts_on_redis_while_it_is_up(
    redis_server: RedisServer, settings: Any, api_client: APIClient
) -> None:
    settings.CACHES = _cache_settings(redis_server.url)
    settings.ROOT_URLCONF = "tests.core.ops_urls"
    cache.clear()
    statuses = [api_client.get("/api/v1/throttled").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_count_hit_counts_in_one_key_that_expires(
    redis_server: RedisServer, redis_cache: DegradingRedisCache
) -> None:
    assert [count_hit(redis_cache, "window", 60) for _ in range(3)] == [1, 2, 3]
    assert redis_cache.get("window") == 3  # a plain integer, as `incr` leaves it
    client = redis.Redis.from_url(redis_server.url)
    assert 0 < client.ttl(redis_cache.make_and_validate_key("window")) <= 60


def test_count_hit_degrades_to_a_fresh_counter(
    redis_server: RedisServer, redis_cache: DegradingRedisCache
) -> None:
    count_hit(redis_cache, "window", 60)
    redis_server.stop()
    assert count_hit(redis_cache, "window", 60) == 1


def test_count_hit_keeps_the_expiry_the_counter_was_created_with(
    redis_server: RedisServer, redis_cache: DegradingRedisCache
) -> None:
    count_hit(redis_cache, "window", 60)
    client = redis.Redis.from_url(redis_server.url)
    key = redis_cache.make_and_validate_key("window")
    client.expire(key, 5)  # time has passed
    assert count_hit(redis_cache, "window", 60) == 2
    assert 0 < client.ttl(key) <= 5


def test_count_hit_goes_on_from_a_counter_add_created(redis_cache: DegradingRedisCache) -> None:
    assert redis_cache.add("window", 1, timeout=60)
    assert count_hit(redis_cache, "window", 60) == 2


def test_count_hit_reading_answers_the_other_keys_after_the_hit(redis_cache: DegradingRedisCache) -> None:
    count_hit(redis_cache, "bucket-1", 60)
    count_hit(redis_cache, "bucket-1", 60)
    redis_cache.set("note", {"any": "value"})
    count, found = count_hit_reading(redis_cache, "bucket-3", 60, ["bucket-1", "bucket-2", "note"])
    assert (count, found) == (1, {"bucket-1": 2, "note": {"any": "value"}})
    assert count_hit_reading(redis_cache, "bucket-3", 60, ["bucket-3"]) == (2, {"bucket-3": 2})


def test_count_hit_reading_degrades_to_a_fresh_counter_and_nothing_read(
    redis_server: RedisServer, redis_cache: DegradingRedisCache
) -> None:
    count_hit(redis_cache, "bucket-1", 60)
    redis_server.stop()
    assert count_hit_reading(redis_cache, "bucket-2", 60, ["bucket-1"]) == (1, {})


def test_count_hit_reading_on_another_backend() -> None:
    local = LocMemCache("count-hit-reading", {})
    count_hit(local, "bucket-1", 60)
    assert count_hit_reading(local, "bucket-2", 60, ["bucket-1", "bucket-0"]) == (1, {"bucket-1": 1})


def test_count_hit_on_another_backend_adds_then_increments() -> None:
    local = LocMemCache("count-hit", {})
    assert [count_hit(local, "window", 60) for _ in range(3)] == [1, 2, 3]


@pytest.mark.django_db
def test_authentication_reads_the_database_when_redis_is_down(
    api_on_stopped_redis: None, manager: Any, client_for: Any
) -> None:
    client = client_for(manager)
    assert [client.get("/api/v1/users/me").status_code for _ in range(2)] == [200, 200]


@pytest.fixture
def full_redis(tmp_path: Path, settings: Any) -> Iterator[redis.Redis]:
    """A Redis capped at `maxmemory` that refuses writes when full (`noeviction`), filled up,
    as the cache of this test's requests."""
    server = RedisServer(tmp_path, extra_args=("--maxmemory", "3mb", "--maxmemory-policy", "noeviction"))
    server.start()
    client = redis.Redis.from_url(server.url)
    try:

        def fill() -> None:
            for batch in range(1000):
                client.mset({f"filler:{batch}:{i}": "x" * 1024 for i in range(100)})

        with pytest.raises(OutOfMemoryError):
            fill()
        settings.CACHES = _cache_settings(server.url)
        yield client
    finally:
        settings.CACHES = _cache_settings("redis://127.0.0.1:1/0")  # the autouse fixture's clear() degrades
        server.stop()


@pytest.mark.django_db
def test_a_full_redis_degrades_as_an_outage_does_and_the_api_still_answers(
    full_redis: redis.Redis, collector: Any, client_for: Any, api_client: APIClient
) -> None:
    before = sum(sample(DEGRADED, operation=op) for op in ("add", "set", "incr"))
    client = client_for(collector)
    url = "/api/v1/real-estates"

    created = client.post(url, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="full-redis-1")
    assert created.status_code == 201, created.json()
    listed = client.get(url)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    signed_in = api_client.post("/api/v1/sign-in", {"cpf": collector.cpf, "password": DEFAULT_PASSWORD})
    assert signed_in.status_code == 200
    assert client.get(f"{url}/{created.json()['id']}").status_code == 200

    with pytest.raises(OutOfMemoryError):  # Redis is still full: the requests above wrote nothing
        full_redis.set("one-more", "x" * 1024)
    assert sum(sample(DEGRADED, operation=op) for op in ("add", "set", "incr")) > before


@pytest.fixture
def write_refusing_redis(tmp_path: Path, settings: Any) -> Iterator[redis.Redis]:
    """A Redis that refuses every write with `MISCONF` (its last snapshot failed and
    `stop-writes-on-bgsave-error` is on, as when its disk is full), as this test's cache."""
    data = tmp_path / "data"
    data.mkdir()
    server = RedisServer(tmp_path, extra_args=("--save", "3600 1", "--dir", str(data)))
    server.start()
    client = redis.Redis.from_url(server.url)
    try:
        data.rmdir()  # the snapshot has nowhere to go
        client.bgsave()
        deadline = time.monotonic() + 10
        while client.info("persistence")["rdb_last_bgsave_status"] != "err":
            assert time.monotonic() < deadline, "the snapshot did not fail"
            time.sleep(0.05)
        with pytest.raises(ResponseError, match=r"^MISCONF"):
            client.set("one", "1")
        settings.CACHES = _cache_settings(server.url)
        yield client
    finally:
        settings.CACHES = _cache_settings("redis://127.0.0.1:1/0")  # the autouse fixture's clear() degrades
        client.config_set("save", "")  # or it would refuse to stop, unable to save
        server.stop()


@pytest.mark.django_db
def test_a_redis_refusing_writes_after_a_failed_snapshot_degrades_and_the_api_still_answers(
    write_refusing_redis: redis.Redis, collector: Any, client_for: Any, api_client: APIClient
) -> None:
    before = sum(sample(DEGRADED, operation=op) for op in ("add", "set", "incr", "count_hit"))
    client = client_for(collector)
    url = "/api/v1/real-estates"

    created = client.post(url, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="misconf-redis-1")
    assert created.status_code == 201, created.json()
    assert client.get(url).status_code == 200
    signed_in = api_client.post("/api/v1/sign-in", {"cpf": collector.cpf, "password": DEFAULT_PASSWORD})
    assert signed_in.status_code == 200
    assert sum(sample(DEGRADED, operation=op) for op in ("add", "set", "incr", "count_hit")) > before
