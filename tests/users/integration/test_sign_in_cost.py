"""What a sign-in costs besides its password hash: the statements it runs, and no transaction
held open while the hash is computed (docs/adr/0003, addendum)."""

from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from apps.core import errors
from apps.users import services
from apps.users.models import Role
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

TRANSACTION_STATES: list[bool] = []


class TransactionRecordingHasher(MD5PasswordHasher):
    """Notes whether a transaction was open each time a password was hashed or checked."""

    def verify(self, password: str, encoded: str) -> bool:
        TRANSACTION_STATES.append(connection.in_atomic_block)
        return super().verify(password, encoded)

    def salt(self) -> str:  # make_password's way in (an unknown CPF); verify never asks for one
        TRANSACTION_STATES.append(connection.in_atomic_block)
        return super().salt()


@pytest.fixture
def recording_hasher(settings: Any) -> list[bool]:
    settings.PASSWORD_HASHERS = [f"{__name__}.TransactionRecordingHasher"]
    TRANSACTION_STATES.clear()
    return TRANSACTION_STATES


def _statements(queries: list[dict[str, str]], verb: str, table: str) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(verb) and f'"{table}"' in q["sql"]]


@pytest.mark.django_db
def test_a_sign_in_reads_the_user_once_and_writes_last_login_and_the_token_once() -> None:
    user = UserFactory()
    with CaptureQueriesContext(connection) as ctx:
        pair = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
    queries = ctx.captured_queries
    assert len(_statements(queries, "SELECT", "users_user")) == 1
    assert len(_statements(queries, "UPDATE", "users_user")) == 1
    assert len(_statements(queries, "INSERT", "token_blacklist_outstandingtoken")) == 1
    assert not _statements(queries, "UPDATE", "token_blacklist_outstandingtoken")
    assert OutstandingToken.objects.get(user=user).token == pair.refresh


@pytest.mark.django_db
def test_the_issued_refresh_token_has_simplejwts_claims_and_the_role() -> None:
    user = UserFactory(role=Role.MANAGER)
    pair = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
    issued = RefreshToken(pair.refresh)
    reference = RefreshToken.for_user(user)
    assert set(issued.payload) == set(reference.payload) | {"role", "family"}
    for claim in ("user_id", "hash_password", "token_type"):
        assert issued[claim] == reference[claim]
    assert issued["role"] == "manager"
    assert issued["family"] == issued["jti"]  # a sign-in starts a family (ADR 0014)
    assert issued["exp"] - issued["iat"] == reference["exp"] - reference["iat"]
    stored = OutstandingToken.objects.get(jti=issued["jti"])
    assert stored.user_id == user.pk
    assert stored.expires_at == datetime_from_epoch(issued["exp"])
    assert int(stored.created_at.timestamp()) == issued["iat"]


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_password_is_checked(recording_hasher: list[bool]) -> None:
    user = UserFactory()
    recording_hasher.clear()  # the factory hashed the password
    services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
    with pytest.raises(errors.InvalidCredentials):
        services.user_sign_in(cpf=user.cpf, password="not-the-password-1")
    with pytest.raises(errors.InvalidCredentials):
        services.user_sign_in(cpf="111.444.777-35", password=DEFAULT_PASSWORD)  # nobody's CPF
    assert recording_hasher == [False, False, False]  # one hash each, unknown CPF included
