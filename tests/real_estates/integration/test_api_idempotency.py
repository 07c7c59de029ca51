"""`Idempotency-Key` on creates: retries replay the first response instead of duplicating."""

import http.client
import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.core.idempotency import _keys
from apps.real_estates.models import RealEstate
from apps.users.models import User
from apps.users.tokens import issue_token_pair
from tests.contract.openapi_validator import SCHEMA_PATH, ContractValidator
from tests.real_estates.helpers import PAYLOAD, URL, payload

pytestmark = pytest.mark.django_db

KEY = "6f1c2a9e-5b0d-4c1e-9a57-0c9f2f4b8d31"
OTHER_KEY = "0b8a3c1e-5d2f-4e6a-9b7c-1d2e3f4a5b6c"


def test_a_retry_with_the_same_key_and_body_replays_the_first_response(collector_client: APIClient) -> None:
    first = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    # The same JSON with another key order and spacing is the same body.
    body = json.dumps(dict(reversed(list(PAYLOAD.items()))), indent=2)
    retry = collector_client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["ETag"] == first["ETag"]
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert RealEstate.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(collector_client: APIClient) -> None:
    collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    response = collector_client.post(
        URL, payload(title="Outra casa"), format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert RealEstate.objects.count() == 1


def test_a_key_in_flight_with_another_body_is_a_conflict(
    collector_client: APIClient, collector: User
) -> None:
    _, lock_key = _keys("real_estates.create", collector.pk, KEY)
    cache.add(lock_key, "the first request's fingerprint", timeout=60)  # as the first request holds it
    response = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert not RealEstate.objects.exists()


def test_the_same_request_in_flight_is_in_progress(collector_client: APIClient, collector: User) -> None:
    from apps.core.idempotency import fingerprint

    class _Request:
        method = "POST"
        path = URL
        data = PAYLOAD

    _, lock_key = _keys("real_estates.create", collector.pk, KEY)
    cache.add(lock_key, fingerprint(_Request()), timeout=60)
    response = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "IDEMPOTENCY_REQUEST_IN_PROGRESS"


@pytest.mark.parametrize("key", ["", "x" * 256, "chave com espaço", "çãé"])
def test_a_malformed_key_is_a_400(collector_client: APIClient, key: str) -> None:
    response = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert not RealEstate.objects.exists()


@pytest.mark.parametrize("merged", [f"{KEY},{OTHER_KEY}", f"{KEY}, {OTHER_KEY}", f"{KEY},"])
def test_two_keys_in_one_request_are_a_400_naming_the_header_and_write_nothing(
    collector_client: APIClient, collector: User, merged: str
) -> None:
    """A repeated header reaches the app as one value joined by commas (granian and wsgiref
    join with `,`, some servers with `, `): that is two keys, a client's mistake, not one key."""
    response = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=merged)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_REPEATED"
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert not RealEstate.objects.exists()
    for key in (merged, KEY, OTHER_KEY):  # no record and no lock under either key, nor both
        assert cache.get_many(_keys("real_estates.create", collector.pk, key)) == {}
    retry = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry


def test_a_header_sent_twice_to_a_real_server_is_refused(live_server: Any, collector: User) -> None:
    """Through an HTTP server (Django's, which joins a repeated header as granian does)."""
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    connection.putrequest("POST", URL)
    connection.putheader("Authorization", f"Bearer {issue_token_pair(user=collector).token}")
    connection.putheader("Content-Type", "application/json")
    body = json.dumps(PAYLOAD).encode()
    connection.putheader("Content-Length", str(len(body)))
    connection.putheader("Idempotency-Key", KEY)
    connection.putheader("Idempotency-Key", OTHER_KEY)
    connection.endheaders(body)
    response = connection.getresponse()
    assert response.status == 400
    assert json.loads(response.read())["error"]["code"] == "IDEMPOTENCY_KEY_REPEATED"
    connection.close()
    assert not RealEstate.objects.exists()


def test_keys_are_per_user(collector_client: APIClient, client_for: object, db: None) -> None:
    from tests.users.factories import UserFactory

    other = client_for(UserFactory())
    assert collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201
    response = other.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert RealEstate.objects.count() == 2


def test_a_failed_request_is_not_stored_so_a_corrected_retry_runs(collector_client: APIClient) -> None:
    bad = collector_client.post(URL, payload(price="-5"), format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert bad.status_code == 400
    good = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert good.status_code == 201
    assert RealEstate.objects.count() == 1


def test_without_a_key_every_post_creates(collector_client: APIClient) -> None:
    collector_client.post(URL, PAYLOAD, format="json")
    collector_client.post(URL, PAYLOAD, format="json")
    assert RealEstate.objects.count() == 2


def test_a_replay_renders_the_record_as_it_is_now(collector_client: APIClient) -> None:
    first = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    location = first["Location"]
    edited = collector_client.patch(
        location, {"title": "Casa reformada"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    assert edited.status_code == 200
    retry = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert retry.status_code == 201
    assert retry.json()["title"] == "Casa reformada"
    assert retry["ETag"] == edited["ETag"]
    assert retry["Location"] == location
    assert RealEstate.objects.count() == 1


def test_a_replay_of_a_deleted_record_is_a_404(collector_client: APIClient) -> None:
    first = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert collector_client.delete(first["Location"]).status_code == 204
    retry = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert retry.status_code == 404
    assert retry.json()["error"]["code"] == "REAL_ESTATE_NOT_FOUND"
    assert not RealEstate.objects.exists()


def test_the_schema_documents_the_replay_of_a_deleted_record() -> None:
    """The 404 above is what a client retrying a create can get: the schema must say so, or a
    strict generated client fails on it as an undocumented status."""
    _, operation = ContractValidator().operation("POST", URL)
    assert "REAL_ESTATE_NOT_FOUND" in operation["responses"]["404"]["description"]


def test_a_retry_that_takes_the_key_as_the_first_request_finishes_replays_it(
    collector_client: APIClient, settings: Any
) -> None:
    """The retry reads no record, then the first request records its response and frees the key,
    then the retry takes the key: it must find the record, not create a second real estate.
    (Seen on `make run`: ten parallel retries of one key created three real estates.) The
    cache's own `KEY_FUNCTION` finishes the first request at that moment, in the same thread."""
    first: list[Any] = []

    def make_key(key: str, key_prefix: str, version: int) -> str:
        if key.startswith("idempotency:") and key.endswith(":lock") and not first:
            first.append(None)  # the first request's own calls pass through
            first[0] = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        return f"{key_prefix}:{version}:{key}"

    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "KEY_FUNCTION": make_key}}
    retry = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)

    assert first[0].status_code == 201
    assert retry.status_code == 201, retry.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first[0].json()["id"]
    assert RealEstate.objects.count() == 1


def test_a_replay_does_not_count_against_the_create_quota(
    rates: dict[str, str], collector_client: APIClient
) -> None:
    rates["real_estate_create"] = "2/min"
    assert collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201
    for _ in range(3):  # retries of the same create: they create nothing, so they cost nothing
        retry = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        assert retry.status_code == 201
        assert retry["Idempotent-Replayed"] == "true"

    assert collector_client.post(URL, payload(title="Segunda casa"), format="json").status_code == 201
    refused = collector_client.post(URL, payload(title="Terceira casa"), format="json")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "REAL_ESTATE_CREATE_QUOTA_EXCEEDED"
    assert RealEstate.objects.count() == 2


def test_a_replay_is_answered_when_the_quota_is_exhausted(
    rates: dict[str, str], collector_client: APIClient
) -> None:
    rates["real_estate_create"] = "1/min"
    first = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201
    exhausted = collector_client.post(URL, payload(title="Outra casa"), format="json")
    assert exhausted.status_code == 429

    retry = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)

    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    # A new key is a new create: the quota refuses it, and leaves no record a retry would replay.
    other = collector_client.post(
        URL, payload(title="Outra casa"), format="json", HTTP_IDEMPOTENCY_KEY=OTHER_KEY
    )
    assert other.status_code == 429
    assert other.json()["error"]["code"] == "REAL_ESTATE_CREATE_QUOTA_EXCEEDED"
    assert RealEstate.objects.count() == 1


@pytest.mark.parametrize(
    "key",
    [
        "k",
        KEY,
        "a" * 255,
        "a" * 256,
        "a,b",
        ",",
        " k",
        "k ",
        "chave-é",
        "k\tk",
        "~!#$%&'*+-./:;<=>?@[]^_`{|}",
    ],
)
def test_the_schema_declares_the_keys_the_server_takes(collector_client: APIClient, key: str) -> None:
    """What a client generated from docs/api/openapi.yaml checks is what the server checks."""
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    header = next(
        parameter
        for parameter in schema["paths"]["/api/v1/real-estates"]["post"]["parameters"]
        if parameter["name"] == "Idempotency-Key"
    )
    declared = re.fullmatch(header["schema"]["pattern"].strip("^$"), key) is not None
    response = collector_client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (response.status_code == 201) == declared, response.content
