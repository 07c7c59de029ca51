"""Version 1 of the REST API: every app's routes, the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.exception_handler import JsonErrorsView
from apps.core.views import api_not_found


class SchemaView(JsonErrorsView, SpectacularAPIView):
    """The OpenAPI document (YAML, or JSON on request); its errors in the JSON envelope."""


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
