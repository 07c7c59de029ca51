"""handler500 (config/urls.py). `apps.core.views.server_error` answers the API's envelope, or the
503 of a database busy or down, or `500.html` (the admin's look, in the visitor's language); should
that page itself fail to render (static files without their manifest, say), the visitor gets a
bare page in their language rather than a connection the server cuts short."""

import structlog
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.utils.html import format_html
from django.utils.translation import gettext

from apps.core import views

log = structlog.get_logger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return views.server_error(request)
    except Exception:  # an error while answering an error: the bare page below
        log.exception("server_error_page_failed", path=request.path)
        return HttpResponseServerError(
            format_html("<!doctype html><title>{0}</title><h1>{0}</h1>", gettext("Server error (500)"))
        )
