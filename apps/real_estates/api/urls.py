"""Routes of the real_estates API (mounted under /api/v1/ by config/api.py)."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from apps.real_estates.api.views import RealEstateViewSet

router = SimpleRouter(trailing_slash=False)
router.register("real-estates", RealEstateViewSet, basename="real-estate")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
