"""Production settings as a fresh process sees them (they refuse to import without secrets)."""

import json
import subprocess
import sys

from tests.core.integration.test_commands import ROOT, _production_env

PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; d = s.DATABASES['default']; "
    "print(json.dumps({'pool': d['OPTIONS'].get('pool'), 'max_age': d.get('CONN_MAX_AGE'), "
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


def test_production_pools_database_connections_and_checks_their_health() -> None:
    loaded = _settings(CORS_ALLOWED_ORIGINS="https://app.vivenda.example", REDIS_URL="redis://cache:6379/0")
    assert loaded["pool"] == {
        "min_size": 2,
        "max_size": 10,
        "timeout": 0.5,
        "check": "CheckUnlessRecentlyDrawn(window_seconds=0.5)",
    }
    assert loaded["max_age"] == 0
    assert loaded["health"] is True
    assert loaded["cors_all"] is False
    assert loaded["cors"] == ["https://app.vivenda.example"]
    assert loaded["cache"] == "apps.core.cache.DegradingRedisCache"


def test_production_pool_pings_every_draw_when_its_bypass_window_is_zero() -> None:
    loaded = _settings(DATABASE_POOL_CHECK_BYPASS_MS="0")
    assert loaded["pool"]["check"] == "CheckUnlessRecentlyDrawn(window_seconds=0.0)"  # type: ignore[index]


def test_production_pool_can_be_switched_off_for_an_external_pooler() -> None:
    loaded = _settings(DATABASE_POOL="false")
    assert loaded["pool"] is None
    assert loaded["max_age"] == 60
