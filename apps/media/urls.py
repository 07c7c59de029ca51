"""Non-API routes of the media app: signed links to locally stored files."""

from django.urls import URLPattern, URLResolver, path

from apps.media import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("media/<str:token>", views.media_file, name="media-file"),
]
