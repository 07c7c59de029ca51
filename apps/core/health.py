"""Liveness and readiness probes for load balancers and orchestrators.

`live` says the process answers; `ready` says it can do its work: each dependency is
checked and a 503 names the one that failed.
"""

import time
import uuid
from collections.abc import Callable

import structlog
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = structlog.get_logger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    # The degrading Redis backend hides outages from the API; the probe must see them.
    probe = getattr(cache, "strict", cache)
    key = f"health:{uuid.uuid4().hex}"
    probe.set(key, "1", timeout=5)
    if probe.get(key) != "1":
        raise RuntimeError("cache did not return the value it was given")
    probe.delete(key)


def check_storage() -> None:
    default_storage.exists("health/probe")


def check_broker() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": check_database, "cache": check_cache, "storage": check_storage}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    return checks


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness_check_failed", component=name, error=type(exc).__name__)
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    failing = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": results}
    return JsonResponse(body, status=503 if failing else 200)
