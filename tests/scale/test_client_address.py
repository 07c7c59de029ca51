"""The client's address behind the load balancer and nginx (docs/adr/0046).

The harness puts a stand-in load balancer (a second nginx, connecting from 127.0.0.9, the only
trusted proxy address) in front of nginx. Clients are told apart by the loopback address they
connect from (127.0.0.2, 127.0.0.3 ...).
"""

import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings

from apps.core.throttling import parse_rate
from tests.scale.conftest import Http

FORGED = {"X-Forwarded-For": "203.0.113.7, 198.51.100.8", "X-Forwarded-Proto": "https"}


Clients = Callable[..., Http]


@pytest.fixture
def clients(load_balancer_url: str) -> Iterator[Clients]:
    """Makes a client connecting from `source`, to the load balancer unless told another URL."""
    made: list[Http] = []

    def make(source: str, url: str = load_balancer_url) -> Http:
        made.append(Http(url, source=source))
        return made[-1]

    yield make
    for client in made:
        client.session.close()


def test_behind_the_load_balancer_the_app_hears_exactly_the_clients_address(clients: Clients) -> None:
    client = clients("127.0.0.2")
    seen = client.get("/api/v1/_scale/client", headers=FORGED).json()
    assert seen == {"address": "127.0.0.2", "forwarded_for": "127.0.0.2", "scheme": "https"}


def test_a_client_reaching_nginx_directly_cannot_name_another_address_or_scheme(clients: Clients) -> None:
    client = clients("127.0.0.3", url=os.environ["SCALE_URL"])
    seen = client.get("/api/v1/_scale/client", headers=FORGED).json()
    assert seen == {"address": "127.0.0.3", "forwarded_for": "127.0.0.3", "scheme": "http"}


def test_two_clients_behind_the_load_balancer_have_separate_sign_in_buckets(clients: Clients) -> None:
    rate, _ = parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign_in_ip"])
    assert rate is not None
    first, second = clients("127.0.0.5"), clients("127.0.0.6")
    # Bodies without a CPF are refused before any password is hashed, but the per-IP
    # throttle counts them: a cheap way to spend the first client's allowance.
    statuses = {first.post("/api/v1/sign-in", json={}).status_code for _ in range(rate)}
    assert statuses == {400}

    throttled = first.post("/api/v1/sign-in", json={})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "THROTTLED"
    # Naming another client, or a made-up one, in X-Forwarded-For changes nothing.
    for forged in ("127.0.0.6", "203.0.113.99", "127.0.0.6, 203.0.113.99"):
        again = first.post("/api/v1/sign-in", json={}, headers={"X-Forwarded-For": forged})
        assert again.status_code == 429, forged
    # The other client, behind the same load balancer, still has its whole allowance.
    assert second.post("/api/v1/sign-in", json={}).status_code == 400
