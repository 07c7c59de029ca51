"""Django-level error views: API paths get the JSON envelope, the admin keeps its HTML pages."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from apps.core import errors
from apps.core.exception_handler import envelope

# Paths whose errors are answered in the envelope: the API, media links, and the machine
# endpoints that answer JSON themselves (probes, /metrics), their trailing-slash variants too.
API_PREFIXES = ("/api/", "/media/", "/health/", "/metrics")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


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


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return json_error(errors.InternalError())
    return defaults.server_error(request)
