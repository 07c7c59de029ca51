"""Request id and access log, the first and last thing every request passes through (with the
rest of a body nobody read drained, so the connection stays open); the release of an API
response's data once it is rendered, the last thing before the view; and a 503 for a view outside
DRF that finds the database busy or down."""

import time
from collections.abc import Callable

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.response import Response

from apps.core.request_context import accept_or_generate, set_request_id
from apps.core.views import database_unavailable

access_log = structlog.get_logger("vivenda.access")


class RequestIdMiddleware:
    """Accepts a valid `X-Request-ID` or makes one, echoes it, binds it to every log line,
    and writes one access line per request, once what is left of its body is drained."""

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
            drain_unread_body(request)
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


def drain_unread_body(request: HttpRequest) -> None:
    """Reads, and drops, what is left of a request's body that no one read.

    A request refused before its body is read (no credentials, a transition that takes no body,
    a 404) left those bytes on the connection, and granian then closed it after the response
    without saying so: a keep-alive client's next request on it failed, and nginx, which keeps
    its connections to the app open, answered that request, or the refused upload itself when it
    was still sending it, with its own HTML 502 page. Read to its end, the connection is reused.
    Drained up to twice what any route takes (a JSON body and a photo: 22 MB by default), room
    for a photo's multipart envelope and more than nginx forwards (`client_max_body_size 12m`):
    a longer declared body is refused unread, as before, and its connection closed, so a client
    cannot hold a worker by announcing an endless one.
    A body already read reads as empty here: nothing is read twice from the connection.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if not 0 < declared <= 2 * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.MEDIA_UPLOAD_MAX_BYTES):
        return
    try:
        while request.read(64 * 1024):
            pass
    except OSError:  # the client went away (UnreadablePostError): nothing left to keep open
        pass


class ReleaseResponseDataMiddleware:
    """Drops an API response's `data` once the response is rendered: its body is the bytes now.

    DRF ties every request's view, request and response into reference cycles (the view keeps
    the response, whose renderer context keeps the view), so the data a view answered with (a
    page of 500 sync changes, 50 list items) outlives the request until the cycle collector
    gets to it, often in a full collection a hundred requests later, after a collection during
    the request moved it to the oldest generation. Released here, reference counting frees it
    at once. Measured in docs/adr/0082 (addendum of 2026-12-03).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, Response) and response.is_rendered:
            response.data = None
        return response


class DatabaseUnavailableMiddleware:
    """A view outside DRF (the admin, the media links) that finds the database busy or down
    answers what DRF's handler answers an API view: 503 `SERVICE_UNAVAILABLE` with `Retry-After`,
    not a 500. On the embedded default that is SQLite's "database is locked" after a writer waited
    its 5 s for the write lock; on PostgreSQL a lock, statement or pool timeout, or an outage.
    API paths get the error envelope, the admin a plain page with the same message. A middleware's
    error (the session's save) is answered the same by the 500 handler (`views.server_error`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable(request, exception)
