"""Version 1 of the REST API: every app's routes, the OpenAPI schema and its docs."""

import threading
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.exception_handler import JsonErrorsView
from apps.core.views import api_not_found


class SchemaView(JsonErrorsView, SpectacularAPIView):
    """The OpenAPI document (YAML, or JSON on request); its errors in the JSON envelope.

    Public, and ~150 ms of CPU to generate and render, so each process makes it once per
    representation (media type, language, URLconf) and answers the same bytes afterwards: an
    anonymous client allowed 300 requests a minute would otherwise keep a core busy. Requests
    with a `lang` query are answered as generated and not kept (the keys stay few).

    The document is the contract of its own `VERSION`: drf-spectacular read `?version=` when the
    view named none, and wrote it into `info.version` and the file name (a CR or LF in it was a
    500). `api_version` names it, so the query is never read (docs/adr/0111).
    """

    api_version = str(settings.SPECTACULAR_SETTINGS["VERSION"])

    _kept: dict[tuple[str, str, str], tuple[bytes, list[tuple[str, str]]]] = {}
    _lock = threading.Lock()

    @classmethod
    def forget(cls) -> None:
        with cls._lock:
            cls._kept.clear()

    @classmethod
    def kept(cls) -> list[tuple[str, str, str]]:
        with cls._lock:
            return list(cls._kept)

    def _key(self, request: Request) -> tuple[str, str, str] | None:
        if "lang" in request.query_params:
            return None
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or request.accepted_media_type != renderer.media_type:
            return None  # media-type parameters the client chose: not a representation to keep
        return (renderer.media_type, translation.get_language() or "", str(settings.ROOT_URLCONF))

    @extend_schema(exclude=True)  # as drf-spectacular's own view (SERVE_INCLUDE_SCHEMA off)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        key = self._key(request)
        kept = self._kept.get(key) if key else None
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=dict(headers))
        return super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        key = self._key(request)
        if key and isinstance(response, Response) and response.status_code == 200 and not response.exception:
            response.render()
            headers = [(name, value) for name, value in response.items() if name.lower() != "vary"]
            with self._lock:
                self._kept[key] = (response.content, headers)
        return response


class SchemaDocsView(JsonErrorsView, SpectacularSwaggerSplitView):
    """Swagger UI and its init script; their errors in the JSON envelope."""


urlpatterns = [
    path("", include("apps.users.api.urls")),
    path("", include("apps.real_estates.api.urls")),
    path("", include("apps.media.api.urls")),
    path("", include("apps.audit.api.urls")),
    path("", include("apps.sync.api.urls")),
    path("schema", SchemaView.as_view(), name="schema"),
    # The page loads its init script from `docs?script` (the CSP allows no inline script).
    path("docs", SchemaDocsView.as_view(url_name="schema"), name="swagger-ui"),
    # Last: any other /api/v1/ path is a 404 in the envelope, even with DEBUG on.
    re_path(r"^[\s\S]*$", api_not_found),  # [\s\S], not `.`: a path with a newline too
]
