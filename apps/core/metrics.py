"""Prometheus metrics, served only to an allow-listed network or with the metrics token."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView

from apps.core import errors
from apps.core.views import _json_error


def _allowed(request: HttpRequest) -> bool:
    if settings.METRICS_TOKEN:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if supplied and hmac.compare_digest(supplied, settings.METRICS_TOKEN):
            return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(cidr, strict=False) for cidr in settings.METRICS_ALLOWED_CIDRS)


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return _json_error(errors.PermissionDenied())
    response: HttpResponse = ExportToDjangoView(request)
    return response
