"""The scale-out suite talks HTTP to the servers `make scale-test` starts (scripts/scale-harness).

Outside that harness (no SCALE_URL, e.g. in `make test`) its tests are deselected, not skipped:
they belong to another command.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "stops_services: stops shared servers; runs after the other scale tests"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("SCALE_URL"):
        items.sort(key=lambda item: item.get_closest_marker("stops_services") is not None)
        return
    scale = [item for item in items if HERE in Path(item.path).parents]
    if scale:
        config.hook.pytest_deselected(items=scale)
        items[:] = [item for item in items if item not in scale]


class _SourceAddressAdapter(HTTPAdapter):
    """Connects from a chosen loopback address (127.0.0.2, 127.0.0.3 ...): on loopback that is
    how two clients with different addresses are made."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Http:
    """A requests session bound to one base URL (nginx, or one app process), optionally
    connecting from a given source address."""

    def __init__(self, base_url: str, source: str | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if source is not None:
            self.session.mount("http://", _SourceAddressAdapter(source))

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)


@pytest.fixture(scope="session")
def balancer() -> Iterator[Http]:
    client = Http(os.environ["SCALE_URL"])
    yield client
    client.session.close()


@pytest.fixture(scope="session")
def load_balancer_url() -> str:
    """The stand-in for the cloud load balancer in front of nginx (scripts/scale-harness)."""
    return os.environ["SCALE_LB_URL"]


@pytest.fixture(scope="session")
def apps() -> Iterator[list[Http]]:
    clients = [Http(url) for url in os.environ["SCALE_APP_URLS"].split(",")]
    yield clients
    for client in clients:
        client.session.close()


@pytest.fixture
def shared_db(django_db_blocker: Any) -> Iterator[None]:
    """Direct access to the database the servers share (there is no test database here)."""
    from django.db import connections

    with django_db_blocker.unblock():
        yield
        connections.close_all()  # the fault tests restart PostgreSQL under it


@pytest.fixture
def make_user(shared_db: None) -> Callable[..., Any]:
    from tests.users.factories import UserFactory

    def make(**fields: Any) -> Any:
        return UserFactory(**fields)

    return make
