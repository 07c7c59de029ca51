"""Routes of the sync API (mounted under /api/v1/ by config/api.py)."""

from django.urls import URLPattern, URLResolver, path

from apps.sync.api.views import RealEstateSyncView

urlpatterns: list[URLPattern | URLResolver] = [
    path("sync/real-estates", RealEstateSyncView.as_view(), name="sync-real-estates"),
]
