"""An API response's body is freed when its request ends, not whenever the cycle collector
runs (apps.core.middleware.ReleaseResponseDataMiddleware; docs/adr/0082)."""

import gc
from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from tests.core.urls import BODIES

pytestmark = [pytest.mark.urls("tests.core.urls"), pytest.mark.django_db]


@pytest.fixture
def no_cycle_collector() -> Iterator[None]:
    """Only reference counting frees anything meanwhile, as between two full collections."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.usefixtures("no_cycle_collector")
def test_a_body_is_freed_when_its_request_ends(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/body")
    assert response.status_code == 200
    assert response.json() == {"rows": [{"n": n} for n in range(50)]}
    body = BODIES[-1]
    del response

    assert body() is None
