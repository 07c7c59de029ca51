"""Fixtures shared by every test: seeded factories, API clients per role, tokens, media storage
in a temp dir."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import factory.random
import pytest
from celery import Celery
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from apps.users.models import Role, User
from apps.users.tokens import issue_token_pair
from tests.users.factories import UserFactory
from tests.users.helpers import HASH_CALLS
from tests.worker import start_worker

pytest_plugins = ["tests.storage_backends"]  # the S3 server and `backend`, for every app

FACTORY_SEED = "vivenda"
"""Every test's factory data comes from `FACTORY_SEED` and the test's id (tests/README.md)."""


def pytest_report_header(config: pytest.Config) -> str:
    if config.pluginmanager.hasplugin("randomly"):
        return "factory-boy and Faker seeded by pytest-randomly (--randomly-seed)"
    return f"factory-boy and Faker seeded per test from {FACTORY_SEED!r} and the test id"


@pytest.fixture(autouse=True)
def _seeded_factories(request: pytest.FixtureRequest) -> None:
    """factory-boy's random and Faker's, reseeded before each test: the same test makes the same
    data whatever ran before it. pytest-randomly, when installed, reseeds them itself before the
    setup, the call and the teardown of each test (from --randomly-seed), which would override
    this seed inside the test body: then its seed alone decides."""
    if not request.config.pluginmanager.hasplugin("randomly"):
        factory.random.reseed_random(f"{FACTORY_SEED}:{request.node.nodeid}")


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings: object, tmp_path: Path) -> Iterator[None]:
    """Each test gets its own media directory and an empty cache (throttles included)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/media/"},
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the default language. A request's language stays active on the thread
    after it (LocaleMiddleware activates it and nothing deactivates it), so a command or a service
    run after a pt-BR request of the test before would answer in Portuguese."""
    translation.deactivate()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def bearer_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token_pair(user=user).token}")
    return client


@pytest.fixture
def client_for() -> Callable[[User], APIClient]:
    return bearer_client


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def manager(db: None) -> User:
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def collector(db: None) -> User:
    return UserFactory(role=Role.COLLECTOR)


@pytest.fixture
def admin_client(admin_user: User) -> APIClient:
    return bearer_client(admin_user)


@pytest.fixture
def manager_client(manager: User) -> APIClient:
    return bearer_client(manager)


@pytest.fixture
def collector_client(collector: User) -> APIClient:
    return bearer_client(collector)


@pytest.fixture(scope="module")
def worker_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The media directory of the module's worker (`MEDIA_ROOT` in its environment)."""
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="module")
def worker(
    django_db_setup: None, worker_media_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Celery]:
    """`celery -A config worker` in a subprocess (tests/worker.py), answering a client app."""
    yield from start_worker(media_root=worker_media_root, log_dir=tmp_path_factory.mktemp("worker"))


@pytest.fixture
def use_worker_media(settings: object, worker_media_root: Path) -> Iterator[Path]:
    """This test process's storage is the worker's media directory, emptied before and after."""

    def empty() -> None:
        for child in worker_media_root.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()

    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": worker_media_root, "base_url": "/media/"},
        },
    }
    empty()
    yield worker_media_root
    empty()


@pytest.fixture
def rates() -> Iterator[dict[str, str]]:
    """The throttle rates, restored after the test. DRF's throttles read this very dict, so a test
    changes it in place (`rates["sign_in_cpf"] = "2/5min"`)."""
    rates: dict[str, str] = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    saved = dict(rates)
    yield rates
    rates.clear()
    rates.update(saved)


@pytest.fixture
def hash_calls(settings: object) -> Iterator[list[str]]:
    """Every password hash computed during the test, to store a password or to check one."""
    settings.PASSWORD_HASHERS = ["tests.users.helpers.CountingHasher"]  # type: ignore[attr-defined]
    HASH_CALLS.clear()
    yield HASH_CALLS
    HASH_CALLS.clear()


@pytest.fixture
def database_cache(transactional_db: None) -> Iterator[None]:
    """The caches of the embedded default and of a deployment without Redis (`SharedDatabaseCache`,
    ADR 0045; the cached reads apart, ADR 0130), on tables of the suite's PostgreSQL."""
    tables = {"default": "test_database_cache", "reads": "test_read_cache"}
    with override_settings(
        CACHES={
            alias: {"BACKEND": "apps.core.cache.SharedDatabaseCache", "LOCATION": table}
            for alias, table in tables.items()
        }
    ):
        call_command("createcachetable", verbosity=0)
        yield
    connection.close()  # drops a lock timeout a test set with the session
    with connection.cursor() as cursor:
        for table in tables.values():
            cursor.execute(f"DROP TABLE {table}")
