"""One renderer for every error: catalog errors, DRF's and Django's own, and the unexpected.

Whatever goes wrong, a client gets `{"error": {"code", "message", "fields"?, "request_id"}}`
with a catalog code; tracebacks and SQL stay in the logs.
"""

import math
from collections.abc import Mapping
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework import exceptions as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from apps.core import errors
from apps.core.request_context import get_request_id

logger = structlog.get_logger(__name__)

# DRF exception → catalog error, checked in order (subclasses first).
_DRF_TO_CATALOG: list[tuple[type[Exception], type[errors.ApiError]]] = [
    (InvalidToken, errors.TokenInvalid),
    (TokenError, errors.TokenInvalid),
    (drf.ParseError, errors.MalformedRequest),
    (drf.NotAuthenticated, errors.NotAuthenticated),
    (drf.AuthenticationFailed, errors.AuthenticationFailed),
    (drf.PermissionDenied, errors.PermissionDenied),
    (DjangoPermissionDenied, errors.PermissionDenied),
    (drf.NotFound, errors.NotFound),
    (Http404, errors.NotFound),
    (drf.MethodNotAllowed, errors.MethodNotAllowed),
    (drf.NotAcceptable, errors.NotAcceptable),
    (drf.UnsupportedMediaType, errors.UnsupportedMediaType),
    (drf.Throttled, errors.Throttled),
    (RequestDataTooBig, errors.PayloadTooLarge),
    (SuspiciousOperation, errors.MalformedRequest),
    (OperationalError, errors.ServiceUnavailable),
    (InterfaceError, errors.ServiceUnavailable),
]

DATABASE_RETRY_AFTER_SECONDS = "2"


def envelope(error: errors.ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": str(error.message)}
    if error.fields is not None:
        body["fields"] = error.fields
    body["request_id"] = get_request_id()
    return {"error": body}


def to_api_error(exc: Exception) -> errors.ApiError:
    """Translate any exception into the catalog error a client should see."""
    if isinstance(exc, errors.ApiError):
        return exc
    if isinstance(exc, drf.ValidationError):
        return errors.ValidationError(fields=_field_details(exc.detail))
    for source, target in _DRF_TO_CATALOG:
        if isinstance(exc, source):
            return target(headers=_headers_for(exc))
    if isinstance(exc, DatabaseError):
        # Integrity or data errors that no service turned into a catalog error are our bug.
        logger.error("unhandled_database_error", exc_info=exc)
        return errors.InternalError()
    logger.error("unhandled_exception", exc_info=exc)
    return errors.InternalError()


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception raised inside an API view ends here."""
    error = to_api_error(exc)
    if isinstance(error, errors.ServiceUnavailable) and not isinstance(exc, errors.ApiError):
        logger.warning("database_unavailable", error=str(exc).splitlines()[0] if str(exc) else "")
    set_rollback()
    # Always JSON, whatever renderer the request negotiated (the CSV export's errors included).
    response = Response(envelope(error), status=error.status_code, content_type="application/json")
    for name, value in error.headers.items():
        response[name] = value
    return response


class JsonErrorsView(APIView):
    """Base of the views whose renderers are not JSON (the schema's YAML, Swagger UI's HTML and
    script): DRF renders an error with the negotiated renderer, or the view's first one when
    negotiation is what failed, so their errors would be YAML or a bare status line. Here an
    error is rendered as JSON, as the handler's content type says, whatever was negotiated.

    They answer no OPTIONS (a 405 naming GET and HEAD): DRF's metadata would be rendered by
    those renderers too, a 500 from the HTML template renderer, which has no template for it, and
    a YAML dump of the view's notes that the schema view kept as its document."""

    http_method_names = ["get", "head"]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "exception", False):
            response.accepted_renderer = ORJSONRenderer()
            response.accepted_media_type = "application/json"
        return response


def _headers_for(exc: Exception) -> dict[str, str]:
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None) if isinstance(exc, drf.Throttled) else None
    if wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    if isinstance(exc, (OperationalError, InterfaceError)):
        headers["Retry-After"] = DATABASE_RETRY_AFTER_SECONDS
    return headers


def _field_details(detail: Any) -> Any:
    """DRF's nested error detail → `{"field": [{"code", "message"}], "nested": {...}}`."""
    if isinstance(detail, dict):
        return {_encodable(str(key)): _field_details(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(isinstance(item, drf.ErrorDetail) for item in detail):
            return [{"code": item.code, "message": _encodable(str(item))} for item in detail]
        if len(detail) == 1 and isinstance(detail[0], drf.ErrorDetail):
            return _field_details(detail[0])
        return [_field_details(item) for item in detail]
    if isinstance(detail, drf.ErrorDetail):
        return {"non_field_errors": [{"code": detail.code, "message": _encodable(str(detail))}]}
    return detail


def _encodable(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD. A JSON body can carry one (`"\\ud800"`), and
    an error naming an unknown key or quoting a refused choice echoes it; UTF-8, so the
    renderer, cannot encode it (a 500)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
