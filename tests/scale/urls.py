"""Test-only routes the scale-out tests use to see which process answered and what it shares."""

import os
from typing import Any

from django.core.cache import cache
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.core.request_context import client_address
from apps.users.models import User


class WhoAmI(APIView):
    """Authenticated: which app process served the request, and for whom. It reads the user's
    row itself, so it answers 200 only when this process reaches PostgreSQL (authentication
    alone may be served from the cache)."""

    def get(self, request: Request) -> Response:
        user = User.objects.only("id").get(pk=request.user.pk)
        return Response({"app": os.environ.get("SCALE_APP_NAME", "?"), "user_id": user.pk})


class Process(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "scale_probe"

    def get(self, request: Request) -> Response:
        return Response({"app": os.environ.get("SCALE_APP_NAME", "?")})


class CacheEntry(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, key: str) -> Response:
        return Response({"app": os.environ.get("SCALE_APP_NAME", "?"), "value": cache.get(f"scale:{key}")})

    def put(self, request: Request, key: str) -> Response:
        value: Any = request.data.get("value")
        cache.set(f"scale:{key}", value, 60)
        return Response({"app": os.environ.get("SCALE_APP_NAME", "?"), "value": value})


class Environ(APIView):
    """Which of the process's settings variables a request can see in `request.META` (none:
    config/wsgi.py drops what granian copies from the process environment)."""

    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        names = ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DATABASE_URL", "REDIS_URL", "SCALE_APP_NAME")
        return Response(
            {"app": os.environ.get("SCALE_APP_NAME", "?"), "seen": [n for n in names if n in request.META]}
        )


class Client(APIView):
    """What the app was told about the client: its address (as throttles see it), the raw
    `X-Forwarded-For` that reached the app, and the scheme."""

    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        return Response(
            {
                "address": client_address(request._request),
                "forwarded_for": request.headers.get("X-Forwarded-For"),
                "scheme": request.scheme,
            }
        )


probes = [
    path("client", Client.as_view()),
    path("whoami", WhoAmI.as_view()),
    path("process", Process.as_view()),
    path("cache/<slug:key>", CacheEntry.as_view()),
    path("environ", Environ.as_view()),
]
urlpatterns = [path("api/v1/_scale/", include(probes)), path("", include("config.urls"))]
