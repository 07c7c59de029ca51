"""The headers the API answers and reads are the ones the schema declares (docs/adr/0122,
addendum). Every response carried `X-Request-ID` and a replayed create `Idempotent-Replayed`, a
401 `WWW-Authenticate`, a refused content coding `Accept-Encoding`, none declared; a request's
`X-Request-ID` was read without the schema saying so. Served responses are checked by
`ContractValidator`: every header a response requires is there, and no application header is
served on a response that does not declare it."""

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from apps.users.models import Role
from apps.users.tokens import issue_token_pair
from tests.contract.openapi_validator import APPLICATION_HEADERS, ContractValidator
from tests.real_estates.helpers import payload
from tests.users.factories import UserFactory

CONTRACT = ContractValidator()
URL = "/api/v1/real-estates"


def _operations() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in CONTRACT.spec["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_reads_an_optional_request_id_and_answers_one_on_every_response() -> None:
    for where, operation in _operations():
        (parameter,) = [p for p in operation["parameters"] if p["name"] == "X-Request-ID"]
        assert parameter["in"] == "header"
        assert not parameter["required"], where
        for status, response in operation["responses"].items():
            header = CONTRACT.resolve(response["headers"]["X-Request-ID"])
            assert header["required"], f"{where} {status}"


def test_only_an_idempotent_create_declares_a_replay() -> None:
    replaying = {
        (where, status)
        for where, operation in _operations()
        for status, response in operation["responses"].items()
        if "Idempotent-Replayed" in response["headers"]
    }
    assert replaying == {("POST /api/v1/real-estates", "201")}
    _, create = CONTRACT.operation("POST", URL)
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"] if p["in"] == "header"}


def test_every_declared_response_header_is_one_the_application_sets() -> None:
    declared = {
        name
        for _, operation in _operations()
        for response in operation["responses"].values()
        for name in response["headers"]
    }
    assert declared == APPLICATION_HEADERS


@pytest.fixture
def contract() -> ContractValidator:
    return ContractValidator()


@pytest.fixture
def client(live_server: Any, contract: ContractValidator, transactional_db: None) -> Iterator[httpx.Client]:
    collector = UserFactory(role=Role.COLLECTOR)
    token = issue_token_pair(user=collector).token
    with httpx.Client(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {token}"},
        event_hooks={"response": [contract.check]},
    ) as client:
        yield client


def test_the_served_responses_carry_exactly_the_declared_headers(
    client: httpx.Client, contract: ContractValidator
) -> None:
    body = json.dumps(payload()).encode()
    json_type = {"Content-Type": "application/json"}
    first = client.post(URL, content=body, headers={**json_type, "Idempotency-Key": "k-1"})
    replay = client.post(URL, content=body, headers={**json_type, "Idempotency-Key": "k-1"})
    assert (first.status_code, replay.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers
    assert replay.headers["Idempotent-Replayed"] == "true"

    sent = client.get(f"{URL}/{first.json()['id']}", headers={"X-Request-ID": "trace-0123456789"})
    assert sent.headers["X-Request-ID"] == "trace-0123456789"
    replaced = client.get(URL, headers={"X-Request-ID": "no"})
    assert replaced.status_code == 200
    assert replaced.headers["X-Request-ID"] != "no"

    anonymous = client.get(URL, headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    coded = client.post(URL, content=body, headers={**json_type, "Content-Encoding": "gzip"})
    assert (coded.status_code, coded.headers["Accept-Encoding"]) == (415, "identity")
    latin_1 = client.post(URL, content=body, headers={"Content-Type": "application/json; charset=latin-1"})
    assert latin_1.status_code == 415
    assert client.get(URL, headers={"Accept": "application/json;q=0"}).status_code == 406
    assert client.get(f"{URL}/00000000-0000-4000-8000-000000000000").status_code == 404

    assert len(contract.checked) == 9


def test_a_response_serving_an_undeclared_application_header_fails_the_check(
    client: httpx.Client, contract: ContractValidator
) -> None:
    """The check itself: the list declares no `Location`; served with one, it is refused."""
    listed = httpx.Response(200, headers={"Location": "/x", "X-Request-ID": "a" * 32}, json={})
    listed.request = httpx.Request("GET", f"{client.base_url}{URL}")
    with pytest.raises(AssertionError, match="Location"):
        contract.check(listed)
    without_id = httpx.Response(200, json={"count": 0, "next": None, "previous": None, "results": []})
    without_id.request = listed.request
    with pytest.raises(AssertionError, match="no X-Request-ID"):
        contract.check(without_id)


def test_every_kind_of_throttle_serves_the_retry_after_its_429_requires(
    client: httpx.Client, contract: ContractValidator, rates: dict[str, str]
) -> None:
    """The general per-user rate (a fixed window), a quota (its own code) and a brute-force
    brake (a sliding window, anonymous): each 429 passes the check, `Retry-After` required."""
    # The user rate's fixed window is a thousand days long: no window ends during the test.
    rates.update(user="3/1000d", real_estate_create="1/min", sign_in_cpf="1/5min")
    json_type = {"Content-Type": "application/json"}
    created = client.post(URL, content=json.dumps(payload()).encode(), headers=json_type)
    quota = client.post(URL, content=json.dumps(payload()).encode(), headers=json_type)
    assert (created.status_code, quota.status_code) == (201, 429)
    assert quota.json()["error"]["code"] == "REAL_ESTATE_CREATE_QUOTA_EXCEEDED"
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429  # the fourth request of the window
    sign_in = {"cpf": "529.982.247-25", "password": "not-the-password"}
    anonymous = {**json_type, "Authorization": ""}
    assert client.post("/api/v1/sign-in", json=sign_in, headers=anonymous).status_code == 401
    assert client.post("/api/v1/sign-in", json=sign_in, headers=anonymous).status_code == 429

    refusals = [status for _, _, status in contract.checked if status == 429]
    assert len(refusals) == 3
