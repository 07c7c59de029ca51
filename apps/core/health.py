"""Liveness and readiness probes for load balancers and orchestrators.

`live` says the process answers; `ready` says it can do its work: each dependency is checked
and a 503 names the ones that failed, and nothing else. Why and how long each took goes to the
log (`readiness_check_failed`) and to metrics (`vivenda_readiness_checks_total`,
`vivenda_readiness_check_seconds`), not to whoever asked. Each process answers from its last
result for HEALTH_READY_CACHE_SECONDS, so a flood of probes costs the dependencies one round of
checks per process per window.
"""

import math
import threading
import time
import uuid
from collections.abc import Callable
from functools import wraps

import structlog
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from apps.core import errors
from apps.core.metrics import READINESS_CHECK_SECONDS, READINESS_CHECKS
from apps.core.views import json_error

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

    # The socket timeouts bound the reply a broker that accepts and never answers would make us
    # wait for (connect_timeout and ensure_connection's timeout bound the connect alone).
    seconds = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    options = {"socket_timeout": seconds, "socket_connect_timeout": seconds}
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=seconds, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, timeout=math.ceil(seconds))  # kombu takes whole seconds


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": check_database, "cache": check_cache, "storage": check_storage}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    return checks


def _run_checks() -> list[str]:
    failing = []
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            seconds = time.perf_counter() - started
            failing.append(name)
            READINESS_CHECKS.labels(name, "failure").inc()
            logger.warning(
                "readiness_check_failed",
                component=name,
                error=type(exc).__name__,
                detail=str(exc)[:300],
                duration_ms=round(seconds * 1000, 1),
            )
        else:
            seconds = time.perf_counter() - started
            READINESS_CHECKS.labels(name, "success").inc()
        READINESS_CHECK_SECONDS.labels(name).observe(seconds)
    return failing


class ReadinessCache:
    """This process's last round of checks. One thread checks at a time; while it does, the
    others answer the previous round instead of queueing behind it (a slow dependency must not
    take every server thread of the process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._failing: list[str] = []

    def _fresh(self, keep_seconds: float) -> bool:
        return self._checked_at is not None and time.monotonic() - self._checked_at < keep_seconds

    def failing(self, keep_seconds: float) -> list[str]:
        if self._fresh(keep_seconds):
            return list(self._failing)
        # With no previous round there is nothing else to answer: wait for the running one.
        if not self._lock.acquire(blocking=self._checked_at is None):
            return list(self._failing)
        try:
            if not self._fresh(keep_seconds):
                self._failing = _run_checks()
                self._checked_at = time.monotonic()
            return list(self._failing)
        finally:
            self._lock.release()

    def forget(self) -> None:
        with self._lock:
            self._checked_at = None


readiness_cache = ReadinessCache()


def failing_components() -> list[str]:
    """The components that failed their check, from this process's last round if it is at most
    HEALTH_READY_CACHE_SECONDS old (0: check every time)."""
    return readiness_cache.failing(settings.HEALTH_READY_CACHE_SECONDS)


SAFE_METHODS = ("GET", "HEAD")


def _get_only(view: Callable[[HttpRequest], JsonResponse]) -> Callable[[HttpRequest], JsonResponse]:
    """Django's `require_safe`, its 405 in the error envelope. CSRF-exempt: the 405 is the answer
    to any other method, not the CSRF check's HTML 403 (the probes take no cookie, change nothing)."""

    @csrf_exempt
    @wraps(view)
    def checked(request: HttpRequest) -> JsonResponse:
        if request.method not in SAFE_METHODS:
            return json_error(errors.MethodNotAllowed(headers={"Allow": "GET, HEAD"}))
        return view(request)

    return checked


@never_cache
@_get_only
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@_get_only
def ready(request: HttpRequest) -> JsonResponse:
    failing = failing_components()
    body = {"status": "unavailable" if failing else "ok", "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)
