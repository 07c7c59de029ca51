"""/metrics: served to the allow-listed network or with the bearer token, to anyone else the
404 of an unknown route; and what it counts."""

from typing import Any

import pytest
from django.test import Client

from apps.core.metrics import UPLOAD_BYTES
from apps.core.tasks import flush_expired_tokens
from tests.metrics import sample

TASKS = "vivenda_celery_tasks_total"

TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def outside_network(settings: Any) -> None:
    settings.METRICS_ALLOWED_CIDRS = ["10.20.0.0/16"]
    settings.METRICS_TOKEN = TOKEN


def _scrape(client: Client, remote_addr: str, **headers: str) -> Any:
    return client.get("/metrics", REMOTE_ADDR=remote_addr, headers=headers)


@pytest.mark.django_db
def test_metrics_are_refused_to_an_outside_address_without_a_token(
    outside_network: None, client: Client
) -> None:
    response = _scrape(client, "203.0.113.9")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"  # as if there were no such route
    assert b"django_" not in response.content


@pytest.mark.django_db
def test_another_method_is_the_404_of_an_unknown_route_to_an_outsider(outside_network: None) -> None:
    # With CSRF checked, as a real server does: a POST answered a 403 CSRF page, where an unknown
    # route answers 404, telling the outsider the endpoint exists.
    client = Client(enforce_csrf_checks=True)
    for path in ("/metrics", "/no-such-route"):
        response = client.post(path, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 404, path
    assert client.post("/metrics", REMOTE_ADDR="203.0.113.9").json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.django_db
def test_another_method_is_a_405_to_an_allowed_scraper(outside_network: None) -> None:
    response = Client(enforce_csrf_checks=True).post("/metrics", REMOTE_ADDR="10.20.1.2")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_metrics_are_refused_with_a_wrong_token(outside_network: None, client: Client) -> None:
    response = _scrape(client, "203.0.113.9", Authorization="Bearer not-the-token")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["tóken-não-ascii", "\u00ff" * 40])
def test_metrics_are_refused_with_a_token_of_non_ascii_characters(
    outside_network: None, client: Client, token: str
) -> None:
    response = _scrape(client, "203.0.113.9", Authorization=f"Bearer {token}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.django_db
def test_metrics_are_served_with_the_bearer_token(outside_network: None, client: Client) -> None:
    response = _scrape(client, "203.0.113.9", Authorization=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert b"django_http_requests_latency_seconds_by_view_method" in response.content


@pytest.mark.django_db
def test_metrics_are_served_to_an_allow_listed_network(outside_network: None, client: Client) -> None:
    assert _scrape(client, "10.20.3.4").status_code == 200


@pytest.mark.django_db
def test_metrics_are_refused_when_no_token_is_configured_and_the_address_is_unknown(
    settings: Any, client: Client
) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_CIDRS = ["10.20.0.0/16"]
    assert _scrape(client, "203.0.113.9", Authorization="Bearer ").status_code == 404
    assert _scrape(client, "not-an-address").status_code == 404


@pytest.mark.django_db
def test_a_request_forwarded_by_the_proxy_is_judged_by_the_clients_address(
    outside_network: None, settings: Any, client: Client
) -> None:
    """nginx's own address is in the internal allow-list; the client it names is not."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    forwarded = _scrape(client, "10.20.0.5", **{"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 404
    assert _scrape(client, "10.20.0.5", **{"X-Forwarded-For": "10.20.7.7"}).status_code == 200
    assert _scrape(client, "10.20.0.5").status_code == 200  # Prometheus, scraping the replica directly


@pytest.mark.django_db
def test_metrics_count_requests_by_view_and_status_and_database_statements(client: Client) -> None:
    client.get("/health/ready")
    body = _scrape(client, "127.0.0.1").content.decode()
    assert (
        'django_http_responses_total_by_status_view_method_total{method="GET",status="200",view="health-ready"}'
        in body
    )
    assert 'django_db_execute_total{alias="default",vendor="postgresql"}' in body
    assert "vivenda_upload_bytes_total" in body


@pytest.mark.django_db
def test_task_outcomes_are_counted() -> None:
    before = sample(TASKS, task="apps.core.tasks.flush_expired_tokens", outcome="success")
    flush_expired_tokens.delay()  # in-process: no broker in the test settings
    after = sample(TASKS, task="apps.core.tasks.flush_expired_tokens", outcome="success")
    assert after == before + 1


def test_upload_bytes_is_a_counter_the_media_app_can_increase() -> None:
    before = sample("vivenda_upload_bytes_total")
    UPLOAD_BYTES.inc(2048)
    assert sample("vivenda_upload_bytes_total") == before + 2048
