"""CPFs, passwords and tokens never reach the logs (CPFs appear masked at most)."""

import logging

import pytest
from rest_framework.test import APIClient

from apps.core.logging import keyed_hash
from apps.users.cpf import normalize_cpf
from tests.users.helpers import bearer

pytestmark = pytest.mark.django_db

CPF, PASSWORD, NEW_PASSWORD = "52998224725", "uma-senha-bem-longa-42", "outra-senha-bem-longa-43"


def test_a_whole_account_lifecycle_logs_no_cpf_password_or_token(
    api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api_client.post(
        "/api/v1/sign-up", {"cpf": "529.982.247-25", "name": "Maria da Silva", "password": PASSWORD}
    )
    api_client.post("/api/v1/sign-in", {"cpf": CPF, "password": "a-wrong-password"})
    pair = api_client.post("/api/v1/sign-in", {"cpf": CPF, "password": PASSWORD}).json()
    refreshed = api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}).json()
    client = bearer(refreshed["token"])
    client.get("/api/v1/users/me", {"search": CPF})
    client.post("/api/v1/users/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    api_client.post("/api/v1/token/refresh", {"refresh": refreshed["refresh"]})

    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "sign_in_failed" in logged  # the failed attempt is logged...
    assert keyed_hash(CPF) in logged  # ...with a keyed hash of the CPF typed
    for secret in (CPF, "529.982.247-25", PASSWORD, "a-wrong-password", NEW_PASSWORD):
        assert secret not in logged
    for token in (pair["token"], pair["refresh"], refreshed["token"], refreshed["refresh"]):
        assert token not in logged
        assert token.split(".")[2] not in logged  # not even the signature


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)


@pytest.mark.parametrize("typed", ["529.982.247-25", "111.444.777-35", "typed-a-password-here"])
def test_a_failed_sign_in_logs_a_keyed_hash_of_what_was_typed_never_the_input(
    typed: str, api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = api_client.post("/api/v1/sign-in", {"cpf": typed, "password": "a-wrong-password"})
    assert response.status_code == 401
    events = [record.msg for record in caplog.records if isinstance(record.msg, dict)]
    failed = [event for event in events if event.get("event") == "sign_in_failed"]
    assert [event.get("cpf_hash") for event in failed] == [keyed_hash(normalize_cpf(typed))]
    assert "cpf" not in failed[0]
    logged = _logged(caplog)
    assert typed not in logged
    assert typed.replace(".", "").replace("-", "") not in logged
