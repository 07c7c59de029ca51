"""Routes of the audit API (mounted under /api/v1/ by config/api.py)."""

from django.urls import URLPattern, URLResolver, path

from apps.audit.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit-events", views.AuditEventViewSet.as_view({"get": "list"}), name="audit-event-list"),
]
