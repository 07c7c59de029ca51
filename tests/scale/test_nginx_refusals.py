"""What nginx refuses itself answers in the API's envelope, and /metrics tells outsiders nothing."""

import http.client
import json
import os
from urllib.parse import urlsplit

import pytest

from tests.scale.conftest import Http


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The requested resource was not found."), ("pt-BR", "O recurso solicitado não foi encontrado.")],
)
def test_metrics_through_nginx_are_an_unknown_route_in_the_envelope(
    balancer: Http, language: str, message: str
) -> None:
    for path in ("/metrics", "/metrics/", "//metrics"):
        response = balancer.get(path, headers={"Accept-Language": language})
        assert response.status_code == 404, path
        assert response.headers["Content-Type"].startswith("application/json")
        error = response.json()["error"]
        assert (error["code"], error["message"]) == ("NOT_FOUND", message)
        assert error["request_id"] == response.headers["X-Request-ID"]
        assert "django_" not in response.text


def test_a_body_over_nginxs_cap_is_refused_in_the_envelope_before_it_is_read() -> None:
    url = urlsplit(os.environ["SCALE_URL"])
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        connection.putrequest("POST", "/api/v1/real-estates")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(64 * 1024 * 1024))
        connection.endheaders()  # no body follows: nginx decides on the declared length
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 413
    assert body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert body["error"]["message"] == "The request body is too large."


LONG_LINE = f"/api/v1/real-estates?q={'a' * 9000}"  # over large_client_header_buffers' 8 KB


@pytest.mark.parametrize(
    ("line", "headers", "status", "code", "message"),
    [
        # A line too long is refused before any header is read: in English whatever the client asks.
        (LONG_LINE, {}, 414, "URI_TOO_LONG", "The request address is too long."),
        (LONG_LINE, {"Accept-Language": "pt-BR"}, 414, "URI_TOO_LONG", "The request address is too long."),
        (
            "/",
            {"X-Padding": "a" * 9000},
            431,
            "REQUEST_HEADERS_TOO_LARGE",
            "The request headers are too large.",
        ),
        (
            "/",
            {"Accept-Language": "pt-BR", "X-Padding": "a" * 9000},
            431,
            "REQUEST_HEADERS_TOO_LARGE",
            "Os cabeçalhos da requisição são grandes demais.",
        ),
    ],
)
def test_a_request_head_over_nginxs_buffers_is_refused_in_the_envelope(
    line: str, headers: dict[str, str], status: int, code: str, message: str
) -> None:
    """nginx's own HTML page was sent: an address too long for `large_client_header_buffers`
    (8 KB), or a header over it (nginx's 494, sent as 400)."""
    url = urlsplit(os.environ["SCALE_URL"])
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        connection.request("GET", line, headers=headers)
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == status
    assert response.getheader("Content-Type", "").startswith("application/json")
    assert (body["error"]["code"], body["error"]["message"]) == (code, message)
    assert body["error"]["request_id"] == response.getheader("X-Request-ID")


def test_an_app_serves_metrics_to_its_own_network_but_judges_a_forwarded_request_by_its_client(
    apps: list[Http],
) -> None:
    first = apps[0]
    assert first.get("/metrics").status_code == 200  # loopback, in the harness's allow-list
    forwarded = first.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 404
    assert forwarded.json()["error"]["code"] == "NOT_FOUND"
