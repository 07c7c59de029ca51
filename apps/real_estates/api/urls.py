"""Routes of the real_estates API (mounted under /api/v1/ by config/api.py)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
