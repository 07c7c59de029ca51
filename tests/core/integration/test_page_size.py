"""`page_size` is validated, not silently replaced by the default (schemathesis' negative data)."""

from typing import Any

import pytest
from rest_framework.test import APIClient


@pytest.mark.parametrize("value", ["null", "0", "-1", "", "2.5", "101", "1000"])
def test_an_invalid_page_size_is_a_validation_error_naming_it(admin_client: APIClient, value: str) -> None:
    response = admin_client.get("/api/v1/users", {"page_size": value})
    assert response.status_code == 400
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert list(error["fields"]) == ["page_size"]
