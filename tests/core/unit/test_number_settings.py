"""Numeric settings as a fresh process reads them from the environment: parsed as the numbers
they are written as, within their bounds; anything else stops the settings from loading with
the variable's name (environ's own readers kept a negative size and read `1e1` as 11)."""

import subprocess

import pytest

from tests.core.fresh_settings import read_settings


def _load(name: str, value: str) -> subprocess.CompletedProcess[str]:
    return read_settings(f"settings.{name}", **{name: value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MEDIA_UPLOAD_MAX_BYTES", "-1"),
        ("MEDIA_UPLOAD_MAX_BYTES", "10MB"),
        ("SYNC_PAGE_MAX", "1.5"),
        ("MEDIA_DECODE_WAIT_SECONDS", "nan"),
        ("MEDIA_DECODE_WAIT_SECONDS", "-2"),
        ("MEDIA_URL_EXPIRY_SECONDS", "0"),
        ("CELERY_WORKER_METRICS_PORT", "70000"),
        ("SYNC_RETENTION_DAYS", "1e12"),
        # Loaded, and every sign-in answered 500: a token's `exp` past the last datetime (OverflowError).
        ("JWT_REFRESH_TOKEN_DAYS", "3000000"),
        ("JWT_ACCESS_TOKEN_MINUTES", "99999999999"),
        # Loaded, and on the embedded default each write to the database cache with that lifetime
        # answered 500 (ValueError: year 33715 is out of range): idempotent creates, list counts,
        # every authenticated request caching its user.
        ("IDEMPOTENCY_TTL_SECONDS", "999999999999"),
        ("REAL_ESTATES_COUNT_CACHE_SECONDS", "999999999999"),
        ("AUTH_USER_CACHE_SECONDS", "999999999999"),
        ("AUTH_USER_TOMBSTONE_SECONDS", "999999999999"),
    ],
)
def test_a_value_outside_its_bounds_or_not_a_number_stops_the_settings(name: str, value: str) -> None:
    result = _load(name, value)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} must be" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "read"),
    [
        ("MEDIA_DECODE_WAIT_SECONDS", "1e1", "10.0"),
        ("MEDIA_UPLOAD_MAX_BYTES", " 2048 ", "2048"),
        ("REAL_ESTATES_EXPORT_RETENTION_DAYS", "0.5", "0.5"),
        ("CELERY_WORKER_METRICS_PORT", "9101", "9101"),
    ],
)
def test_a_number_is_read_as_written(name: str, value: str, read: str) -> None:
    result = _load(name, value)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == read


def test_a_statement_timeout_postgresql_cannot_take_stops_the_settings() -> None:
    # Loaded, and PostgreSQL refused every connection ("Value exceeds integer range"): each
    # request answered 503 and /health/ready failed `database`, an outage that was a typo.
    result = read_settings(
        "settings.DATABASES['default']['OPTIONS']['options']",
        DATABASE_URL="postgres://u@127.0.0.1:1/none",
        DATABASE_STATEMENT_TIMEOUT_MS="99999999999",
    )

    assert result.returncode != 0
    assert "DATABASE_STATEMENT_TIMEOUT_MS must be" in result.stderr


@pytest.mark.parametrize("module", ["test", "production"])
def test_a_pool_whose_minimum_passes_its_maximum_stops_the_settings(module: str) -> None:
    # psycopg_pool refused it at the first connection: every request answered 500 and every
    # command ended in a ValueError traceback ("max_size must be greater or equal than min_size").
    result = read_settings(
        "settings.DATABASES['default']['OPTIONS']['pool']",
        DJANGO_SETTINGS_MODULE=f"config.settings.{module}",
        DJANGO_SECRET_KEY="a" * 50 + "-production-secret-key",
        JWT_SIGNING_KEY="b" * 50 + "-production-jwt-key",
        DJANGO_ALLOWED_HOSTS="vivenda.example.com",
        METRICS_ALLOWED_CIDRS="127.0.0.1/32",
        DATABASE_URL="postgres://u@127.0.0.1:1/none",
        DATABASE_POOL="true",
        DATABASE_POOL_MIN_SIZE="20",
        DATABASE_POOL_MAX_SIZE="5",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_POOL_MIN_SIZE" in result.stderr


def test_a_pool_as_large_at_least_as_at_most_is_kept() -> None:
    result = read_settings(
        "settings.DATABASES['default']['OPTIONS']['pool']['min_size']",
        DATABASE_URL="postgres://u@127.0.0.1:1/none",
        DATABASE_POOL="true",
        DATABASE_POOL_MIN_SIZE="4",
        DATABASE_POOL_MAX_SIZE="4",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4"


@pytest.mark.parametrize(("soft", "hard"), [("400", "300"), ("300", "300")])
def test_a_soft_time_limit_not_below_the_hard_one_stops_the_settings(soft: str, hard: str) -> None:
    # Loaded, the worker killed a task at the hard limit before the soft one ever reached it as
    # SoftTimeLimitExceeded: no task got the moment to clean up that the soft limit is for.
    result = read_settings(
        "settings.CELERY_TASK_SOFT_TIME_LIMIT", CELERY_TASK_SOFT_TIME_LIMIT=soft, CELERY_TASK_TIME_LIMIT=hard
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_TASK_SOFT_TIME_LIMIT" in result.stderr
