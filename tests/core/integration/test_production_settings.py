"""Production settings as a fresh process sees them (they refuse to import without secrets)."""

import json
import os
import subprocess
import sys

import pytest

from tests.core.integration.test_commands import ROOT, _production_env

PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; d = s.DATABASES['default']; "
    "print(json.dumps({'pool': d['OPTIONS'].get('pool'), 'options': d['OPTIONS'].get('options'), "
    "'max_age': d.get('CONN_MAX_AGE'), "
    "'health': d['CONN_HEALTH_CHECKS'], 'cors_all': s.CORS_ALLOW_ALL_ORIGINS, "
    "'cors': s.CORS_ALLOWED_ORIGINS, 'cache': s.CACHES['default']['BACKEND']}, default=repr))"
)


def _settings(**env: str) -> dict[str, object]:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=_production_env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_production_pool_can_be_switched_off_for_an_external_pooler() -> None:
    loaded = _settings(DATABASE_POOL="false")
    assert loaded["pool"] is None
    assert loaded["max_age"] == 60


def test_a_statement_timeout_reaches_postgresql_as_a_connection_option() -> None:
    loaded = _settings(DATABASE_STATEMENT_TIMEOUT_MS="2500")
    assert "-c statement_timeout=2500" in str(loaded["options"])


@pytest.mark.parametrize(("timeout_ms", "sleep_s", "cancelled"), [("100", 2, True), ("5000", 0.2, False)])
def test_postgresql_cancels_a_statement_that_outlives_the_timeout(
    timeout_ms: str, sleep_s: float, cancelled: bool
) -> None:
    """Against the suite's real PostgreSQL, with the settings the web server's workers get."""
    sleep = f"from django.db import connection; connection.cursor().execute('SELECT pg_sleep({sleep_s})')"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_STATEMENT_TIMEOUT_MS": timeout_ms,
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", sleep],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode != 0) is cancelled, result.stderr
    assert ("canceling statement due to statement timeout" in result.stderr) is cancelled


def _run_production(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


PRINT_OPS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'num_proxies': s.REST_FRAMEWORK['NUM_PROXIES'], 'cidrs': s.METRICS_ALLOWED_CIDRS, "
    "'worker_metrics_addr': s.CELERY_WORKER_METRICS_ADDR, 'ready_cache': s.HEALTH_READY_CACHE_SECONDS}))"
)


def test_production_refuses_to_start_when_nobody_was_named_to_read_the_metrics() -> None:
    env = _production_env()
    del env["METRICS_ALLOWED_CIDRS"]
    env.pop("METRICS_TOKEN", None)
    result = _check(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "METRICS_TOKEN" in result.stderr


def test_production_starts_with_a_metrics_token_alone_and_keeps_the_loopback_allow_list() -> None:
    env = _production_env(METRICS_TOKEN="a-long-random-metrics-token-of-32-bytes")
    del env["METRICS_ALLOWED_CIDRS"]
    result = _run_production(PRINT_OPS, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["cidrs"] == ["127.0.0.1/32", "::1/128"]


def test_production_refuses_an_allow_list_entry_that_is_not_a_network() -> None:
    result = _check(_production_env(METRICS_ALLOWED_CIDRS="10.0.0.0/8,not-a-net"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "METRICS_ALLOWED_CIDRS" in result.stderr


def test_proxies_worker_metrics_address_and_readiness_cache_come_from_the_environment() -> None:
    internal = "10.1.2.3"
    configured = _run_production(
        PRINT_OPS,
        _production_env(
            NUM_PROXIES="1", CELERY_WORKER_METRICS_ADDR=internal, HEALTH_READY_CACHE_SECONDS="1.5"
        ),
    )
    assert configured.returncode == 0, configured.stderr
    loaded = json.loads(configured.stdout.strip().splitlines()[-1])
    assert (loaded["num_proxies"], loaded["worker_metrics_addr"], loaded["ready_cache"]) == (1, internal, 1.5)


PROBE_PLAIN_HTTP = (
    "import json; from django.test import Client; c = Client(); print(json.dumps({p: c.get(p, "
    "REMOTE_ADDR='127.0.0.1', HTTP_HOST='vivenda.example.com').status_code for p in "
    "('/metrics', '/health/live', '/api/v1/users/me')}))"
)


def test_the_internal_network_scrapes_metrics_and_probes_health_over_plain_http() -> None:
    """Prometheus scrapes each replica directly (no nginx, no X-Forwarded-Proto), as the health
    probes do: neither is redirected to an https:// the app does not serve; the API still is."""
    result = _run_production(PROBE_PLAIN_HTTP, _production_env())
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses == {"/metrics": 200, "/health/live": 200, "/api/v1/users/me": 301}


@pytest.mark.parametrize("key", ["", "short", "x" * 31, "ç" * 15])
def test_production_refuses_a_jwt_signing_key_shorter_than_32_bytes(key: str) -> None:
    # HS256 with a short key is forged after an offline search from any one token; an empty
    # one started and then answered every sign-in with a 500 (PyJWT refuses an empty key).
    result = _check(_production_env(JWT_SIGNING_KEY=key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "JWT_SIGNING_KEY" in result.stderr


def test_production_starts_with_a_32_byte_jwt_signing_key() -> None:
    assert _check(_production_env(JWT_SIGNING_KEY="k" * 32)).returncode == 0


@pytest.mark.parametrize("token", ["x", "metrics", "m" * 31])
def test_production_refuses_a_metrics_token_shorter_than_32_bytes(token: str) -> None:
    # /metrics is a plain Django view, braked by no throttle: a short token is guessed.
    result = _check(_production_env(METRICS_TOKEN=token))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "METRICS_TOKEN" in result.stderr


@pytest.mark.parametrize("hosts", ["*", "vivenda.example.com,*", "*.vivenda.example.com"])
def test_production_refuses_a_wildcard_in_the_allowed_hosts(hosts: str) -> None:
    # `*` answered any Host header; `*.example.com` is no pattern Django knows (it matches nothing).
    result = _check(_production_env(DJANGO_ALLOWED_HOSTS=hosts))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_a_domain_and_its_subdomains_allowed() -> None:
    assert (
        _check(_production_env(DJANGO_ALLOWED_HOSTS="vivenda.example.com,.vivenda.example.com")).returncode
        == 0
    )


@pytest.mark.parametrize("key", ["", "short-secret", "x" * 60, "django-insecure-" + "k3y" * 20])
def test_production_refuses_a_secret_key_the_deploy_check_calls_weak(key: str) -> None:
    # An empty one started, and the first session or media link answered 500.
    result = _check(_production_env(DJANGO_SECRET_KEY=key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be" in result.stderr


OLD_KEY = "c" * 50 + "-the-former-secret-key"


def test_production_takes_former_secret_keys_as_fallbacks() -> None:
    code = "from django.conf import settings as s; print(len(s.SECRET_KEY_FALLBACKS))"
    result = _run_production(code, _production_env(DJANGO_SECRET_KEY_FALLBACKS=f"{OLD_KEY}, {OLD_KEY}x"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2"


@pytest.mark.parametrize(
    "fallbacks", ["short-secret", f"{OLD_KEY},{'x' * 60}", "django-insecure-" + "k3y" * 20]
)
def test_production_refuses_a_fallback_secret_key_the_deploy_check_calls_weak(fallbacks: str) -> None:
    # A fallback still verifies signatures: a weak one forges sync cursors and media links.
    result = _check(_production_env(DJANGO_SECRET_KEY_FALLBACKS=fallbacks))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY_FALLBACKS" in result.stderr
    assert "short-secret" not in result.stderr


def test_production_refuses_the_jwt_signing_key_among_the_fallbacks() -> None:
    env = _production_env()
    result = _check(_production_env(DJANGO_SECRET_KEY_FALLBACKS=f"{OLD_KEY},{env['JWT_SIGNING_KEY']}"))
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must differ from each of DJANGO_SECRET_KEY_FALLBACKS" in result.stderr
