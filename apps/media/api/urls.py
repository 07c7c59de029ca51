"""Routes of the media API (mounted under /api/v1/ by config/api.py)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
