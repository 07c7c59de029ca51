"""Non-API routes of the media app: signed links to locally stored files."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
