"""The 403 and 400 pages Django renders outside the API (403.html, 400.html): the admin's look, in
the visitor's language, and no staff navigation for a visitor who is not staff. API paths keep
the error envelope (tests/core/integration/test_error_envelope.py)."""

import pytest
from django.test import Client

from apps.users.models import Role
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_NAVIGATION = ('id="user-tools"', 'id="nav-sidebar"', 'href="/admin/logout/"')


def _manager(language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(UserFactory(role=Role.MANAGER))
    return client


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("pt-BR", ["<title>Permissão negada (403) | Vivenda</title>", "<h1>Permissão negada (403)</h1>"]),
        ("en", ["<title>Permission denied (403) | Vivenda</title>", "<h1>Permission denied (403)</h1>"]),
    ],
)
def test_an_admin_page_a_manager_may_not_open_says_so_in_their_language(
    language: str, words: list[str]
) -> None:
    response = _manager(language).get("/admin/audit/auditevent/")  # the audit trail: admins only

    page = response.content.decode()
    assert response.status_code == 403
    for word in words:
        assert word in page, word
    assert "403 Forbidden" not in page
    assert '<div id="site-name"><a href="/admin/">Vivenda</a></div>' in page


def test_a_manager_denied_a_page_is_offered_the_way_home() -> None:
    page = _manager("pt-BR").get("/admin/users/user/add/").content.decode()

    assert '<li><a href="/admin/">Início</a></li>' in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "pt-BR",
            ["<title>Requisição inválida (400) | Vivenda</title>", "<h1>Requisição inválida (400)</h1>"],
        ),
        ("en", ["<title>Bad request (400) | Vivenda</title>", "<h1>Bad request (400)</h1>"]),
    ],
)
def test_a_crafted_admin_query_is_a_400_page_in_the_staffs_language(language: str, words: list[str]) -> None:
    response = _manager(language).get("/admin/real_estates/realestate/?q=%00")

    page = response.content.decode()
    assert response.status_code == 400
    for word in words:
        assert word in page, word


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/admin/real_estates/realestate/?q=%00", {}),  # refused before the admin asks for a sign-in
        ("/admin/", {"HTTP_HOST": "not-ours.example"}),  # a host the site does not serve
        ("/anything", {"HTTP_HOST": "not-ours.example"}),  # outside the admin too
    ],
)
def test_an_anonymous_visitor_gets_the_400_page_without_staff_navigation(
    path: str, headers: dict[str, str]
) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="pt-BR").get(path, **headers)

    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Requisição inválida (400)</h1>" in page
    assert "Início" not in page  # no breadcrumb into the admin
    for navigation in STAFF_NAVIGATION:
        assert navigation not in page, navigation


def test_an_api_path_keeps_the_envelope_for_a_bad_host() -> None:
    response = Client().get("/api/v1/real-estates", HTTP_HOST="not-ours.example")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MALFORMED_REQUEST"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("pt-BR", ["<title>Página não encontrada | Vivenda</title>", "<h1>Página não encontrada</h1>"]),
        ("en", ["<title>Page not found | Vivenda</title>", "<h1>Page not found</h1>"]),
    ],
)
def test_an_admin_address_that_names_nothing_is_a_404_page_in_the_staffs_language(
    language: str, words: list[str]
) -> None:
    response = _manager(language).get("/admin/nothing-here/")

    page = response.content.decode()
    assert response.status_code == 404
    for word in words:
        assert word in page, word
    assert '<li><a href="/admin/">' in page  # the breadcrumb home


def test_an_anonymous_visitor_gets_the_404_page_without_staff_navigation() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="pt-BR").get("/nothing-here")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Página não encontrada</h1>" in page
    assert "Início" not in page
    for navigation in STAFF_NAVIGATION:
        assert navigation not in page, navigation
