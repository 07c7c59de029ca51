"""Celery task outcomes (`vivenda_celery_tasks_total`) and a worker's own metrics endpoint.

Connected by config/celery.py when the Celery app is created, so a process that runs tasks (a
worker, or a web process running them in-process without a broker) counts them, and a web worker,
which only serves requests, never loads Celery (docs/adr/0082). Imports nothing that needs the
Django app registry: the worker imports it before `django.setup()`.
"""

from typing import Any

from celery import signals as celery_signals
from django.conf import settings
from prometheus_client import Counter

TASK_OUTCOMES = Counter(
    "vivenda_celery_tasks_total",
    "Celery task runs by task name and outcome (success, failure, retry, revoked, rejected).",
    ["task", "outcome"],
)


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
    """Called once by config/celery.py, with the app: every process that loads Celery counts its tasks."""
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
