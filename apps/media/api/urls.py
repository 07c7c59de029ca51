"""Routes of the media API (mounted under /api/v1/ by config/api.py)."""

from django.urls import URLPattern, URLResolver, path

from apps.media.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "real-estates/<anycase_uuid:real_estate_id>/photos",
        views.PhotoListView.as_view(),
        name="real-estate-photos",
    ),
    path(
        "real-estates/<anycase_uuid:real_estate_id>/photos/<anycase_uuid:photo_id>",
        views.PhotoDetailView.as_view(),
        name="real-estate-photo",
    ),
]
