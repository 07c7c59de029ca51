"""Who may call what: every /api/v1/ route, every method and every role, against ONE table.

HOW TO EXTEND (after adding routes to any app):
1. Give each route a `name=` in its urls.py.
2. Add one entry per method to EXPECTED below: `("route-name", "METHOD"): {role: status}`.
   The helpers `everyone(s)`, `signed_in(s)` and `roles(collector=, manager=, admin=)` keep
   entries short. Write bodies are `{}` (JSON), so a write that anyone may attempt usually
   answers 400; a method the route lacks answers 405 once authentication and role pass.
3. If the route has path parameters, add a builder to PATH_KWARGS that returns them, creating
   whatever object it needs (it receives the users of the test: collector, manager, admin and
   `other`, a collector that is none of the callers).
HEAD needs no entry: it must answer as the route's GET does, for every role (`test_head_answers_as_get`),
and a collector's HEAD on another collector's object is the same 404 as any method's.
`test_every_api_route_is_in_the_table` fails while a (route, method) is missing from EXPECTED,
and `test_the_table_lists_no_route_that_does_not_exist` while an entry is stale.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.users.factories import UserFactory

API_PREFIX = "api/v1/"
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
ROLES = ("anonymous", "collector", "manager", "admin")
SKIPPED_ROUTE_NAMES = {"schema", "swagger-ui"}  # documentation, public by design
CATCH_ALL = r"^[\s\S]*$"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict[str, int]:
    return {"anonymous": 401, "collector": status, "manager": status, "admin": status}


def roles(*, collector: int, manager: int, admin: int) -> dict[str, int]:
    return {"anonymous": 401, "collector": collector, "manager": manager, "admin": admin}


ADMIN_ONLY_METHOD_MISSING = roles(collector=403, manager=403, admin=405)

# (route name, method) → {role: expected status}
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    # --- users: authentication (public; stale Authorization headers are ignored) ---
    **{("sign-up", m): everyone(405) for m in ("GET", "PATCH", "PUT", "DELETE")},
    ("sign-up", "POST"): everyone(400),
    **{("sign-in", m): everyone(405) for m in ("GET", "PATCH", "PUT", "DELETE")},
    ("sign-in", "POST"): everyone(400),
    **{("token-refresh", m): everyone(405) for m in ("GET", "PATCH", "PUT", "DELETE")},
    ("token-refresh", "POST"): everyone(400),
    **{("sign-out", m): signed_in(405) for m in ("GET", "PATCH", "PUT", "DELETE")},
    ("sign-out", "POST"): signed_in(400),
    # --- users: own account ---
    ("user-me", "GET"): signed_in(200),
    ("user-me", "PATCH"): signed_in(200),
    # An admin cannot delete their own account (409 CANNOT_CHANGE_OWN_ACCOUNT, ADR 0012).
    ("user-me", "DELETE"): roles(collector=200, manager=200, admin=409),
    ("user-me", "POST"): signed_in(405),
    ("user-me", "PUT"): signed_in(405),
    ("user-me-password", "POST"): signed_in(400),
    **{("user-me-password", m): signed_in(405) for m in ("GET", "PATCH", "PUT", "DELETE")},
    # --- users: administration ---
    ("user-list", "GET"): roles(collector=403, manager=200, admin=200),
    ("user-list", "POST"): roles(collector=403, manager=403, admin=400),
    **{("user-list", m): ADMIN_ONLY_METHOD_MISSING for m in ("PATCH", "PUT", "DELETE")},
    ("user-detail", "GET"): roles(collector=403, manager=200, admin=200),
    ("user-detail", "PATCH"): roles(collector=403, manager=403, admin=200),
    ("user-detail", "DELETE"): roles(collector=403, manager=403, admin=204),
    **{("user-detail", m): ADMIN_ONLY_METHOD_MISSING for m in ("POST", "PUT")},
    # --- real estates (the object is the collector's own draft, with one photo) ---
    ("real-estate-list", "GET"): signed_in(200),
    ("real-estate-list", "POST"): signed_in(400),
    **{("real-estate-list", m): signed_in(405) for m in ("PATCH", "PUT", "DELETE")},
    ("real-estate-detail", "GET"): signed_in(200),
    ("real-estate-detail", "PATCH"): signed_in(200),
    ("real-estate-detail", "DELETE"): signed_in(204),
    **{("real-estate-detail", m): signed_in(405) for m in ("POST", "PUT")},
    ("real-estate-submit", "POST"): roles(collector=200, manager=403, admin=403),
    ("real-estate-approve", "POST"): roles(collector=403, manager=409, admin=409),
    ("real-estate-reject", "POST"): roles(collector=403, manager=400, admin=400),
    ("real-estate-archive", "POST"): roles(collector=403, manager=409, admin=409),
    **{
        (f"real-estate-{action}", m): signed_in(405)
        for action in ("submit", "approve", "reject", "archive")
        for m in ("GET", "PATCH", "PUT", "DELETE")
    },
    ("real-estate-history", "GET"): signed_in(200),
    **{("real-estate-history", m): signed_in(405) for m in ("POST", "PATCH", "PUT", "DELETE")},
    ("real-estate-stats", "GET"): roles(collector=403, manager=400, admin=400),  # group_by is required
    ("real-estate-export", "GET"): roles(collector=403, manager=200, admin=200),
    **{
        (f"real-estate-{route}", m): roles(collector=403, manager=405, admin=405)
        for route in ("stats", "export")
        for m in ("POST", "PATCH", "PUT", "DELETE")
    },
    # --- media ---
    ("real-estate-photos", "GET"): signed_in(200),
    ("real-estate-photos", "POST"): signed_in(415),  # a JSON body, not multipart
    **{("real-estate-photos", m): signed_in(405) for m in ("PATCH", "PUT", "DELETE")},
    ("real-estate-photo", "GET"): signed_in(200),
    ("real-estate-photo", "PATCH"): signed_in(200),
    ("real-estate-photo", "DELETE"): signed_in(204),
    **{("real-estate-photo", m): signed_in(405) for m in ("POST", "PUT")},
    # --- audit trail (admins read; nobody writes, edits or deletes an event) ---
    ("audit-event-list", "GET"): roles(collector=403, manager=403, admin=200),
    **{("audit-event-list", m): ADMIN_ONLY_METHOD_MISSING for m in ("POST", "PATCH", "PUT", "DELETE")},
    # --- sync (each caller's own scope; read only) ---
    ("sync-real-estates", "GET"): signed_in(200),
    **{("sync-real-estates", m): signed_in(405) for m in ("POST", "PATCH", "PUT", "DELETE")},
}


@dataclass
class Users:
    collector: User
    manager: User
    admin: User
    other: User


# route name → path kwargs, built for each test (create the objects the route needs here).
def _own_photo(users: Users) -> dict[str, Any]:
    from tests.media.factories import PhotoFactory

    photo = PhotoFactory(real_estate__collected_by=users.collector)
    return {"real_estate_id": photo.real_estate_id, "photo_id": photo.pk}


def _own_real_estate(users: Users) -> dict[str, Any]:
    return {"pk": _own_photo(users)["real_estate_id"]}


PATH_KWARGS: dict[str, Callable[[Users], dict[str, Any]]] = {
    "user-detail": lambda users: {"pk": users.other.pk},
    **{
        f"real-estate-{name}": _own_real_estate
        for name in ("detail", "submit", "approve", "reject", "archive", "history")
    },
    "real-estate-photos": lambda users: {"real_estate_id": _own_photo(users)["real_estate_id"]},
    "real-estate-photo": _own_photo,
}


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry


def api_route_keys() -> set[str]:
    """The name (or, if unnamed, the pattern) of every route under /api/v1/ in the URLconf."""
    keys: set[str] = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(API_PREFIX) or str(pattern.pattern) == CATCH_ALL:
            continue
        if pattern.name in SKIPPED_ROUTE_NAMES:
            continue
        keys.add(pattern.name or route)
    return keys


def test_every_api_route_is_in_the_table() -> None:
    missing = sorted((key, m) for key in api_route_keys() for m in METHODS if (key, m) not in EXPECTED)
    assert not missing, f"Add these to EXPECTED in {__name__}: {missing}"


def test_the_table_lists_no_route_that_does_not_exist() -> None:
    stale = sorted({key for key, _ in EXPECTED} - api_route_keys())
    assert not stale, f"EXPECTED lists routes the URLconf does not have: {stale}"


def test_the_table_gives_every_role_a_status() -> None:
    assert all(set(statuses) == set(ROLES) for statuses in EXPECTED.values())


def _client_and_url(route: str, role: str) -> tuple[APIClient, str]:
    """A client signed in as `role` (none for "anonymous") among four fresh users, and `route`'s
    address for them (its object one of theirs, per PATH_KWARGS)."""
    users = Users(
        collector=UserFactory(role=Role.COLLECTOR),
        manager=UserFactory(role=Role.MANAGER),
        admin=UserFactory(role=Role.ADMIN),
        other=UserFactory(role=Role.COLLECTOR),
    )
    client = APIClient() if role == "anonymous" else bearer_client(getattr(users, role))
    kwargs = PATH_KWARGS[route](users) if route in PATH_KWARGS else {}
    url = reverse(route, kwargs=kwargs) if kwargs or not route.startswith(API_PREFIX) else "/" + route
    return client, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "method", "role", "status"),
    [
        pytest.param(route, method, role, status, id=f"{method} {route} as {role} -> {status}")
        for (route, method), statuses in EXPECTED.items()
        for role, status in statuses.items()
    ],
)
def test_access(route: str, method: str, role: str, status: int) -> None:
    client, url = _client_and_url(route, role)
    body = {} if method != "GET" else None
    response = getattr(client, method.lower())(url, body, format="json")
    assert response.status_code == status, response.content
    if status >= 400:
        assert set(response.json()) == {"error"}


# HEAD is GET without a body (DRF and Django route it to the GET handler): it is no side door, for
# every route and role it answers as GET does, authentication, role and scope checks included.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "role", "status"),
    [
        pytest.param(route, role, status, id=f"HEAD {route} as {role} -> {status}")
        for (route, method), statuses in EXPECTED.items()
        if method == "GET"
        for role, status in statuses.items()
    ],
)
def test_head_answers_as_get(route: str, role: str, status: int) -> None:
    client, url = _client_and_url(route, role)

    response = client.head(url)

    assert response.status_code == status
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == b""


# --- someone else's objects ------------------------------------------------------------------
# A collector reaching another collector's real estate, its photos, history or transitions gets
# the 404 of a real estate that does not exist (never a 403, which would confirm it exists),
# whatever the method, and nothing changes. Routes with no object in their path are scoped by
# their queries and covered in their apps' tests.
OBJECT_ROUTES = sorted(PATH_KWARGS.keys() - {"user-detail"})


def _others_photo(users: Users) -> dict[str, Any]:
    from tests.media.factories import PhotoFactory

    photo = PhotoFactory(real_estate__collected_by=users.other)
    return {"real_estate_id": photo.real_estate_id, "photo_id": photo.pk}


def _others_kwargs(route: str, users: Users) -> dict[str, Any]:
    kwargs = _others_photo(users)
    if route == "real-estate-photo":
        return kwargs
    if route == "real-estate-photos":
        return {"real_estate_id": kwargs["real_estate_id"]}
    return {"pk": kwargs["real_estate_id"]}


def _multipart_photo() -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.media.samples import image_bytes

    return {"file": SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "method"),
    [
        pytest.param(route, method, id=f"{method} {route}")
        for route in OBJECT_ROUTES
        for method in (*METHODS, "HEAD")
        if EXPECTED[(route, "GET" if method == "HEAD" else method)]["collector"] != 405
    ],
)
def test_a_collector_gets_404_on_another_collectors_objects(route: str, method: str) -> None:
    from apps.media.models import Photo
    from apps.real_estates.models import RealEstate

    users = Users(
        collector=UserFactory(role=Role.COLLECTOR),
        manager=UserFactory(role=Role.MANAGER),
        admin=UserFactory(role=Role.ADMIN),
        other=UserFactory(role=Role.COLLECTOR),
    )
    kwargs = _others_kwargs(route, users)
    before = (
        list(RealEstate.objects.values_list("pk", "status", "title", "version")),
        list(Photo.objects.values_list("pk", "caption", "position")),
    )
    client = bearer_client(users.collector)
    url = reverse(route, kwargs=kwargs)
    if route == "real-estate-photos" and method == "POST":
        response = client.post(url, {**_multipart_photo(), "caption": "x"}, format="multipart")
    else:
        reads = method in ("GET", "HEAD")
        body = None if reads else {"title": "Mine now", "caption": "x", "reason": "no"}
        response = getattr(client, method.lower())(url, body, format="json")
    assert response.status_code == 404, response.content
    if method != "HEAD":  # no body to name it
        assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_FOUND"
    after = (
        list(RealEstate.objects.values_list("pk", "status", "title", "version")),
        list(Photo.objects.values_list("pk", "caption", "position")),
    )
    assert after == before
