"""`page_size` is validated, not silently replaced by the default (schemathesis' negative data)."""

from typing import Any

import pytest
from rest_framework.test import APIClient


@pytest.mark.parametrize("value", ["null", "0", "-1", "", "2.5"])
def test_an_invalid_page_size_is_a_validation_error_naming_it(admin_client: APIClient, value: str) -> None:
    response = admin_client.get("/api/v1/users", {"page_size": value})
    assert response.status_code == 400
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert list(error["fields"]) == ["page_size"]


def test_a_page_size_above_the_maximum_is_the_maximum(admin_client: APIClient) -> None:
    response = admin_client.get("/api/v1/users", {"page_size": 1000})
    assert response.status_code == 200
    assert response.json()["count"] >= 1
