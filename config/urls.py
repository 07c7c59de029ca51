"""Top-level URLs: the API under /api/v1/, the admin, health probes, metrics and media links."""

from django.contrib import admin
from django.urls import include, path

from apps.core import health, metrics

urlpatterns = [
    path("api/v1/", include("config.api")),
    path("admin/", admin.site.urls),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", include("apps.media.urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.admin_error_pages.server_error"
