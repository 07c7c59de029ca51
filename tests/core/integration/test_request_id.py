import logging
import re

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_valid_request_id_is_echoed(api_client: APIClient) -> None:
    response = api_client.get("/health/live", HTTP_X_REQUEST_ID="trace-0123456789abcdef")
    assert response["X-Request-ID"] == "trace-0123456789abcdef"


def test_a_missing_request_id_is_generated(api_client: APIClient) -> None:
    response = api_client.get("/health/live")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.parametrize("bad", ["short", "x" * 200, "abc def ghi jkl", "evil\\nlog-line-injection"])
def test_an_invalid_request_id_is_replaced(api_client: APIClient, bad: str) -> None:
    response = api_client.get("/health/live", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.parametrize("bad", ["req-abcdef012345\n", "req-abcdef012345\r\nSet-Cookie: x=1"])
def test_a_request_id_with_a_line_break_is_replaced_not_echoed(api_client: APIClient, bad: str) -> None:
    response = api_client.get("/api/v1/nothing-here", HTTP_X_REQUEST_ID=bad)
    assert response.status_code == 404
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]


def test_the_request_id_is_in_error_bodies(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/nothing-here", HTTP_X_REQUEST_ID="req-abcdef012345")
    assert response.json()["error"]["request_id"] == "req-abcdef012345"


def test_one_access_line_is_logged_per_request(
    api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="vivenda.access"):
        api_client.get("/health/live", HTTP_X_REQUEST_ID="req-abcdef012345")
    lines = [r for r in caplog.records if r.name == "vivenda.access"]
    assert len(lines) == 1
    event = lines[0].msg
    assert isinstance(event, dict)
    assert event["method"] == "GET"
    assert event["path"] == "/health/live"
    assert event["status"] == 200
    assert event["request_id"] == "req-abcdef012345"
    assert "duration_ms" in event
    assert event["user_id"] is None
