"""Django-level error views: API paths get the JSON envelope, the admin keeps its HTML pages."""

import sys

import structlog
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from apps.core import errors
from apps.core.exception_handler import DATABASE_RETRY_AFTER_SECONDS, envelope

access_log = structlog.get_logger("vivenda.access")

# Paths whose errors are answered in the envelope: the API, media links, and the machine
# endpoints that answer JSON themselves (probes, /metrics), their trailing-slash variants too.
API_PREFIXES = ("/api/", "/media/", "/health/", "/metrics")
# ... and those prefixes' roots without their slash (a client's `/api`).
API_ROOTS = frozenset(prefix.rstrip("/") for prefix in API_PREFIXES)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES) or request.path in API_ROOTS


def json_error(error: errors.ApiError) -> JsonResponse:
    """`error` in the envelope, with its headers (`Allow`, `Retry-After`), outside DRF."""
    response = JsonResponse(envelope(error), status=error.status_code)
    for name, value in error.headers.items():
        response[name] = value
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return json_error(errors.MalformedRequest())
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return json_error(errors.PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return json_error(errors.NotFound())
    return defaults.page_not_found(request, exception)


@csrf_exempt
def api_not_found(request: HttpRequest) -> HttpResponse:
    return json_error(errors.NotFound())


def database_unavailable(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The 503 `SERVICE_UNAVAILABLE` with `Retry-After` for a database busy or down (SQLite's
    "database is locked", a PostgreSQL lock, statement or pool timeout, an outage), as DRF's
    handler answers it in an API view; None for any other exception. API paths get the
    envelope, the admin `503.html` in its look and the visitor's language, with the same message."""
    if not isinstance(exception, (OperationalError, InterfaceError)):
        return None
    first_line = str(exception).splitlines()[0] if str(exception) else ""
    access_log.warning("database_unavailable", path=request.path, error=first_line)
    error = errors.ServiceUnavailable(headers={"Retry-After": DATABASE_RETRY_AFTER_SECONDS})
    if is_api(request):
        return json_error(error)
    response = _page_or_text("503.html", message=str(error.message), status=503)
    response["Retry-After"] = DATABASE_RETRY_AFTER_SECONDS
    return response


def _page_or_text(template: str, *, message: str, status: int) -> HttpResponse:
    """`template` in the admin's look with `message`, rendered with no request (no query); should
    it fail to render (static files without their manifest), `message` as plain text."""
    try:
        content = render_to_string(template, {"message": message})
    except Exception:  # noqa: BLE001 - an error while answering an error: the plain text below
        access_log.exception("error_page_failed", template=template)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(content, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an exception no view handled. One raised by a middleware (the session saved
    after the view answered, on a locked SQLite) never reaches `DatabaseUnavailableMiddleware`,
    so a database busy or down is told apart here too (the exception being handled)."""
    unavailable = database_unavailable(request, sys.exception())
    if unavailable is not None:
        return unavailable
    if is_api(request):
        return json_error(errors.InternalError())
    return defaults.server_error(request)
