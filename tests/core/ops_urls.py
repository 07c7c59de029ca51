"""Test-only views that lean on the cache: a tightly throttled endpoint and a cached counter."""

from django.core.cache import cache
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView


class TwoPerMinute(AnonRateThrottle):
    rate = "2/min"


class ThrottledView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [TwoPerMinute]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def post(self, request: Request) -> Response:
        first = cache.add(f"idempotency:{request.headers.get('Idempotency-Key', '')}", "1", 60)
        return Response({"first": first}, status=201)


api = [path("throttled", ThrottledView.as_view())]
urlpatterns = [path("api/v1/", include(api)), path("", include("config.urls"))]
