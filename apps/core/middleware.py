"""Request id and access log: the first and last thing every request passes through."""

import time
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from apps.core.request_context import accept_or_generate, set_request_id

access_log = structlog.get_logger("vivenda.access")


class RequestIdMiddleware:
    """Accepts a valid `X-Request-ID` or makes one, echoes it, binds it to every log line,
    and writes one access line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accept_or_generate(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        set_request_id(request_id)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            access_log.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                user_id=str(user.pk) if user is not None and user.is_authenticated else None,
            )
            return response
        finally:
            structlog.contextvars.clear_contextvars()
            set_request_id(None)
