"""Prometheus metrics, served only to an allow-listed network or with the metrics token; anyone
else gets the 404 of an unknown route.

django-prometheus's middleware counts requests and latencies by view (route), method and
status. Here: statement counts and durations for every database connection (fed into
django-prometheus's own `django_db_*` series through an execute wrapper, which, unlike its
wrapped engine, stays correct with psycopg's connection pool), Celery task outcomes, and
`UPLOAD_BYTES` for the media app. With several server worker processes set PROMETHEUS_MULTIPROC_DIR
so a scrape sums every worker.
"""

import hmac
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from celery import signals as celery_signals
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django_prometheus.db import errors_total, execute_total, query_duration_seconds
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Histogram

from apps.core import errors
from apps.core.request_context import client_address
from apps.core.views import _json_error

UPLOAD_BYTES = Counter(
    "vivenda_upload_bytes_total",
    "Bytes received in accepted photo uploads (before thumbnails).",
)

TASK_OUTCOMES = Counter(
    "vivenda_celery_tasks_total",
    "Celery task runs by task name and outcome (success, failure, retry, revoked, rejected).",
    ["task", "outcome"],
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
        if supplied and hmac.compare_digest(supplied, settings.METRICS_TOKEN):
            return True
    # The client's address, not the proxy's: a request nginx forwarded is judged by whom it
    # came from, so the allow-list of the internal network never covers the public.
    try:
        client = ipaddress.ip_address(client_address(request) or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(cidr, strict=False) for cidr in settings.METRICS_ALLOWED_CIDRS)


def metrics(request: HttpRequest) -> HttpResponse:
    # Refused as an unknown route is (nginx answers the same): an outsider learns nothing,
    # not even that the endpoint exists.
    if not _allowed(request):
        return _json_error(errors.NotFound())
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


# --- Celery task outcomes -----------------------------------------------------------


def _task_name(sender: Any) -> str:
    return str(getattr(sender, "name", None) or sender or "unknown")


def _on_success(sender: Any = None, **kwargs: Any) -> None:
    TASK_OUTCOMES.labels(_task_name(sender), "success").inc()


def _on_failure(sender: Any = None, **kwargs: Any) -> None:
    TASK_OUTCOMES.labels(_task_name(sender), "failure").inc()


def _on_retry(sender: Any = None, **kwargs: Any) -> None:
    TASK_OUTCOMES.labels(_task_name(sender), "retry").inc()


def _on_revoked(sender: Any = None, request: Any = None, **kwargs: Any) -> None:
    TASK_OUTCOMES.labels(_task_name(sender or getattr(request, "task", None)), "revoked").inc()


def _on_rejected(message: Any = None, **kwargs: Any) -> None:
    headers = getattr(message, "headers", None) or {}
    TASK_OUTCOMES.labels(str(headers.get("task", "unknown")), "rejected").inc()


def connect_signals() -> None:
    """Called once from CoreConfig.ready(): every process (web or worker) records its metrics."""
    connection_created.connect(_instrument_connection, dispatch_uid="vivenda-db-metrics")
    celery_signals.task_success.connect(_on_success, weak=False, dispatch_uid="vivenda-task-success")
    celery_signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="vivenda-task-failure")
    celery_signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="vivenda-task-retry")
    celery_signals.task_revoked.connect(_on_revoked, weak=False, dispatch_uid="vivenda-task-revoked")
    celery_signals.task_rejected.connect(_on_rejected, weak=False, dispatch_uid="vivenda-task-rejected")
    celery_signals.worker_ready.connect(_serve_worker_metrics, weak=False, dispatch_uid="vivenda-worker-http")


_worker_metrics_servers: list[Any] = []


def _serve_worker_metrics(**kwargs: Any) -> None:
    """A worker has no HTTP endpoint of its own: serve its metrics on CELERY_WORKER_METRICS_PORT,
    on loopback unless CELERY_WORKER_METRICS_ADDR says otherwise (it has no token check)."""
    port = settings.CELERY_WORKER_METRICS_PORT
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

    registry = REGISTRY
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)  # type: ignore[no-untyped-call]  # prometheus_client: untyped
    _worker_metrics_servers.append(
        start_http_server(port, addr=settings.CELERY_WORKER_METRICS_ADDR, registry=registry)
    )
