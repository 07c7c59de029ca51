"""The 500 page outside the API: the admin's look, in the visitor's language, rendered with no
query (so with the database down) and never the failure's details; a bare page should even that
page fail to render."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from apps.users.models import User

pytestmark = [pytest.mark.urls("tests.core.admin_error_urls"), pytest.mark.django_db]


def _failing(client: Client, language: str) -> tuple[int, str]:
    response = client.get("/admin/failing/", headers={"accept-language": language})
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("language", "lang", "title", "words"),
    [
        ("en", "en", "Server error (500)", "Something went wrong on our side."),
        ("pt-BR", "pt-br", "Erro no servidor (500)", "Algo deu errado do nosso lado."),
    ],
)
def test_an_admin_page_that_fails_answers_the_admins_look_in_the_visitors_language(
    language: str, lang: str, title: str, words: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):  # nothing that needs the database: it renders with it down
        status, html = _failing(Client(raise_request_exception=False), language)

    assert status == 500
    assert f'<html lang="{lang}"' in html
    assert f"<title>{title} | Vivenda</title>" in html
    assert f"<h1>{title}</h1>" in html
    assert words in html
    assert 'href="/static/admin/css/base.css"' in html
    assert '<div id="site-name"><a href="/admin/">Vivenda</a></div>' in html
    assert "boom" not in html
    assert "Traceback" not in html


def test_a_signed_in_staff_member_gets_no_navigation_read_from_the_database(manager: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(manager)

    status, html = _failing(client, "en")

    assert status == 500
    assert manager.name not in html
    assert 'id="user-tools"' not in html
    assert "breadcrumbs" not in html


def test_a_500_page_that_cannot_render_leaves_a_bare_page_in_the_visitors_language(
    settings: Any, tmp_path: Path
) -> None:
    """Static files stored by a manifest that was never written (no `collectstatic`): the admin's
    look cannot be rendered, and the visitor still gets a 500 page, not a connection cut short."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    status, html = _failing(Client(raise_request_exception=False), "pt-BR")

    assert status == 500
    assert "<h1>Erro no servidor (500)</h1>" in html
    assert "boom" not in html
    assert "/static/" not in html
