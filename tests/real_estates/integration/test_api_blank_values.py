"""A value of whitespace alone is refused like an empty one on the list, stats and export: the
fields strip it and read nothing, so `?near=%20` or `?state=%20` answered every real estate as if
the parameter had not been sent."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.api.filters import RealEstateFilterSet
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/real-estates"
ENDPOINTS = {
    "list": (LIST, {}),
    "stats": (f"{LIST}/stats", {"group_by": "city"}),
    "export": (f"{LIST}/export", {}),
}
# `q` is text whose one-character words are ignored: blank, it has no words (documented).
NAMES = sorted(set(RealEstateFilterSet.base_filters) - {"q"})


def refusal(client: APIClient, url: str, params: dict[str, str]) -> dict[str, Any]:
    response = client.get(url, params)
    assert response.status_code == 400, response.content
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    return error


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("blank", [" ", "\t", "\u00a0"])
@pytest.mark.parametrize("name", NAMES)
def test_a_blank_value_is_refused_naming_the_parameter(
    manager_client: APIClient, endpoint: str, blank: str, name: str
) -> None:
    url, base = ENDPOINTS[endpoint]
    companion = {"near": "-23.55,-46.63"} if name == "radius_km" else {}
    error = refusal(manager_client, url, {**base, **companion, name: blank})
    assert set(error["fields"]) == {name}


@pytest.mark.parametrize("name", ["city", "state", "collected_by", "created_after", "near", "bbox"])
def test_a_blank_value_is_an_empty_parameter_not_every_real_estate(
    manager_client: APIClient, name: str
) -> None:
    RealEstateFactory()
    error = refusal(manager_client, LIST, {name: " "})
    assert error["fields"][name] == [
        {"code": "parameter_empty", "message": "This parameter cannot be empty; leave it out instead."}
    ]


def test_a_blank_search_still_searches_nothing_out(manager_client: APIClient) -> None:
    RealEstateFactory()
    assert manager_client.get(LIST, {"q": " "}).json()["count"] == 1
