"""Test-only views: each kind of error, to check the envelope for every class, and a body whose
life can be watched."""

import weakref
from typing import Any

from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import errors
from apps.users.models import User


class _Address(serializers.Serializer[Any]):
    zip_code = serializers.RegexField(r"^\d{8}$")


class _Payload(serializers.Serializer[Any]):
    name = serializers.CharField(min_length=4)
    address = _Address()


class EchoView(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        serializer = _Payload(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class PrivateView(APIView):
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class Body(dict[str, Any]):
    """A response body a weak reference can follow (a plain dict cannot be weakly referenced)."""


BODIES: list[weakref.ref[Body]] = []


class BodyView(APIView):
    """Answers a fresh `Body` and keeps only a weak reference to it, in `BODIES`."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        body = Body(rows=[{"n": n} for n in range(50)])
        BODIES.append(weakref.ref(body))
        return Response(body)


class RaisingView(APIView):
    permission_classes = [AllowAny]
    kind = ""

    def get(self, request: Request) -> Response:
        if self.kind == "catalog":
            raise errors.RealEstateNotFound()
        if self.kind == "throttled":
            raise Throttled(wait=41.2)
        if self.kind == "query":
            return Response({"users": User.objects.count()})
        if self.kind == "slow":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 50")
                cursor.execute("SELECT pg_sleep(2)")
        if self.kind == "database":
            raise OperationalError("connection to server at 10.0.0.1 failed: secret detail")
        raise RuntimeError("boom: SELECT password FROM users")


def session_write(request: HttpRequest) -> HttpResponse:
    """Changes the session, which `SessionMiddleware` saves once the view has answered: a lock
    on the sessions' table makes that save, in a middleware, fail after 200 ms."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    request.session["touched"] = True
    return HttpResponse("ok")


api = [
    path("echo", EchoView.as_view()),
    path("private", PrivateView.as_view()),
    path("body", BodyView.as_view()),
    path("raise/catalog", RaisingView.as_view(kind="catalog")),
    path("raise/throttled", RaisingView.as_view(kind="throttled")),
    path("raise/query", RaisingView.as_view(kind="query")),
    path("raise/database", RaisingView.as_view(kind="database")),
    path("raise/slow", RaisingView.as_view(kind="slow")),
    path("raise/unexpected", RaisingView.as_view(kind="unexpected")),
    path("session-write", session_write),
]

urlpatterns = [
    path("api/v1/", include(api)),
    path("session-write", session_write),
    path("", include("config.urls")),
]
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
