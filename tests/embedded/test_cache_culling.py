"""On the embedded default the idempotency records live in the shared database cache
(`SharedDatabaseCache`, table `vivenda_cache`, docs/adr/0045), beside the cached list counts and
stats. Past `CACHE_MAX_ENTRIES` live entries Django's database cache culls a third of them, taken
in the order of their keys, not their age: `idempotency:…` sorts before `real_estates:list:…` and
`throttle_…`, so the records go first. Cached counts are made by reads (one per distinct filter,
kept `REAL_ESTATES_COUNT_CACHE_SECONDS`), so a user searching can push another user's record out
within its 24 h, and that user's retried create runs a second time: a doubled write.

The server is `make run`'s, with `CACHE_MAX_ENTRIES` lowered so that a few reads reach it; at the
default 50,000 it takes one self-signed-up account per 6,000 live entries (1,200 reads a minute,
each count kept 5 minutes)."""

from collections.abc import Iterator

import pytest

from tests.embedded.embedded_app import App, embedded_app
from tests.real_estates.helpers import PAYLOAD

MAX_ENTRIES = 40
KEY = "0d2c6f0e-6a51-4a51-9d0e-3f1f2f7b9c11"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with embedded_app(tmp_path_factory, CACHE_MAX_ENTRIES=str(MAX_ENTRIES)) as running:
        yield running


def test_a_retried_create_is_replayed_after_other_users_reads_filled_the_cache(app: App) -> None:
    collector = app.account("529.982.247-25")
    headers = {**collector, "Idempotency-Key": KEY}
    created = app.request("POST", "/api/v1/real-estates", json=PAYLOAD, headers=headers)
    assert created.status_code == 201, created.text

    searcher = app.account("714.602.380-01", name="João Pereira")
    for word in range(MAX_ENTRIES * 2):  # each search's count is cached for 5 minutes
        listed = app.request("GET", "/api/v1/real-estates", params={"q": f"casa{word}"}, headers=searcher)
        assert listed.status_code == 200, listed.text

    retried = app.request("POST", "/api/v1/real-estates", json=PAYLOAD, headers=headers)

    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] == created.json()["id"]
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert app.request("GET", "/api/v1/real-estates", headers=collector).json()["count"] == 1
