"""Prometheus metrics, served only to an allow-listed network or with the metrics token; anyone
else gets the 404 of an unknown route.

django-prometheus's middleware counts requests and latencies by view (route), method and
status. Here: statement counts and durations for every database connection (fed into
django-prometheus's own `django_db_*` series through an execute wrapper, which, unlike its
wrapped engine, stays correct with psycopg's connection pool) and
`UPLOAD_BYTES` for the media app. With several server worker processes set PROMETHEUS_MULTIPROC_DIR
so a scrape sums every worker.
"""

import hmac
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django_prometheus.db import errors_total, execute_total, query_duration_seconds
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Histogram

from apps.core import errors
from apps.core.request_context import client_address
from apps.core.views import json_error

UPLOAD_BYTES = Counter(
    "vivenda_upload_bytes_total",
    "Bytes received in accepted photo uploads (before thumbnails).",
)

READINESS_CHECKS = Counter(
    "vivenda_readiness_checks_total",
    "Readiness checks run by component and outcome (success, failure); cached answers not counted.",
    ["component", "outcome"],
)

READINESS_CHECK_SECONDS = Histogram(
    "vivenda_readiness_check_seconds",
    "How long each readiness check took, by component.",
    ["component"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


# --- Access -----------------------------------------------------------------------


def _allowed(request: HttpRequest) -> bool:
    if settings.METRICS_TOKEN:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        # As bytes: compare_digest refuses str with non-ASCII characters, which a header may carry.
        if supplied and hmac.compare_digest(supplied.encode(), settings.METRICS_TOKEN.encode()):
            return True
    # The client's address, not the proxy's: a request nginx forwarded is judged by whom it
    # came from, so the allow-list of the internal network never covers the public.
    try:
        client = ipaddress.ip_address(client_address(request) or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(cidr, strict=False) for cidr in settings.METRICS_ALLOWED_CIDRS)


@csrf_exempt  # any method is answered here: the CSRF check's 403 told an outsider it exists
def metrics(request: HttpRequest) -> HttpResponse:
    # Refused as an unknown route is (nginx answers the same): an outsider learns nothing,
    # not even that the endpoint exists.
    if not _allowed(request):
        return json_error(errors.NotFound())
    if request.method not in ("GET", "HEAD"):
        return json_error(errors.MethodNotAllowed(headers={"Allow": "GET, HEAD"}))
    response: HttpResponse = ExportToDjangoView(request)
    return response


# --- Database statements ----------------------------------------------------------


def _count_statement(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    connection: BaseDatabaseWrapper = context["connection"]
    labels = (connection.alias, connection.vendor)
    execute_total.labels(*labels).inc(len(params) if many and params is not None else 1)
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception as exc:
        errors_total.labels(*labels, type(exc).__name__).inc()
        raise
    finally:
        query_duration_seconds.labels(*labels).observe(time.perf_counter() - started)


def _instrument_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _count_statement not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _count_statement)


def connect_signals() -> None:
    """Called once from CoreConfig.ready(): every process (web or worker) counts its statements.

    Task outcomes are counted by apps/core/task_metrics.py, connected with the Celery app.
    """
    connection_created.connect(_instrument_connection, dispatch_uid="vivenda-db-metrics")
