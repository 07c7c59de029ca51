"""apps/core/pagination.py: page links are DRF's own, built once per request shape."""

from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from apps.core import pagination
from apps.core.pagination import page_link


@pytest.fixture(autouse=True)
def _no_links_kept() -> None:
    pagination._links.clear()


def _request(query: str = "", host: str = "testserver", secure: bool = False) -> Request:
    return Request(RequestFactory().get(f"/api/v1/real-estates?{query}", HTTP_HOST=host, secure=secure))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=2",
        "page_size=50&page=3&ordering=-price",
        "city=S%C3%A3o+Paulo&status=approved&status=submitted&page=4",
        "q=itaim%20bibi&page=2&empty=",
    ],
)
@pytest.mark.parametrize("number", [None, 2, 7])
def test_a_link_is_what_drf_builds_the_first_and_the_second_time(query: str, number: int | None) -> None:
    url = _request(query).build_absolute_uri()
    expected = remove_query_param(url, "page") if number is None else replace_query_param(url, "page", number)

    assert page_link(_request(query), "page", number) == expected
    assert page_link(_request(query), "page", number) == expected  # from the kept links
    assert len(pagination._links) == 1


def test_links_differ_by_host_and_scheme(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "api.vivenda.example"]
    links = {
        page_link(_request("page=1", host=host, secure=secure), "page", 2)
        for host in ("testserver", "api.vivenda.example")
        for secure in (False, True)
    }
    assert links == {
        "http://testserver/api/v1/real-estates?page=2",
        "https://testserver/api/v1/real-estates?page=2",
        "http://api.vivenda.example/api/v1/real-estates?page=2",
        "https://api.vivenda.example/api/v1/real-estates?page=2",
    }


def test_the_kept_links_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "PAGE_LINKS_KEPT", 3)
    for number in range(2, 9):
        page_link(_request("page=1"), "page", number)
        assert len(pagination._links) <= 3
