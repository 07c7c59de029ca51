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


def test_an_app_serves_metrics_to_its_own_network_but_judges_a_forwarded_request_by_its_client(
    apps: list[Http],
) -> None:
    first = apps[0]
    assert first.get("/metrics").status_code == 200  # loopback, in the harness's allow-list
    forwarded = first.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 404
    assert forwarded.json()["error"]["code"] == "NOT_FOUND"
