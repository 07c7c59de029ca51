"""Validated access tokens remembered per process (apps/users/authentication.py): a hit skips
the decode, never the expiry check or the user row, and nothing invalid is ever kept."""

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from apps.users.authentication import CachedUserJWTAuthentication, validated_tokens
from apps.users.models import User
from tests.users.helpers import REVOCATIONS, bearer, error_of

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


@pytest.fixture(autouse=True)
def _empty_token_cache() -> Iterator[None]:
    validated_tokens.clear()
    yield
    validated_tokens.clear()


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every JWT simplejwt decodes from now on (its behaviour untouched, only counted)."""
    seen: list[bytes] = []
    decode = token_backend.decode

    def counted(token: Any, verify: bool = True) -> dict[str, Any]:
        seen.append(token)
        return decode(token, verify=verify)

    monkeypatch.setattr(token_backend, "decode", counted)
    return seen


def access_token(user: User) -> str:
    return str(AccessToken.for_user(user))


def without_request_id(response: Any) -> dict[str, Any]:
    return {key: value for key, value in error_of(response).items() if key != "request_id"}


def test_a_cached_token_still_authenticates_without_a_second_decode(
    collector: User, decodes: list[bytes]
) -> None:
    token = access_token(collector)
    client = bearer(token)
    assert client.get(ME).json()["id"] == str(collector.pk)
    assert token.encode() in validated_tokens
    assert client.get(ME).json()["id"] == str(collector.pk)
    assert decodes == [token.encode()]


def test_a_cached_token_is_refused_from_the_second_its_expiry_passes(
    collector: User, decodes: list[bytes]
) -> None:
    token = access_token(collector)
    client = bearer(token)
    assert client.get(ME).status_code == 200
    expires_at = datetime_from_epoch(AccessToken(token)["exp"])
    decodes.clear()
    with time_machine.travel(expires_at - timedelta(seconds=1), tick=False):
        assert client.get(ME).status_code == 200
    assert decodes == []  # that was a hit
    with time_machine.travel(expires_at, tick=False):
        response = client.get(ME)
    assert response.status_code == 401
    assert error_of(response)["code"] == "TOKEN_INVALID"
    assert token.encode() not in validated_tokens


def test_an_expired_cached_token_gets_the_401_of_an_uncached_one(collector: User) -> None:
    cached, uncached = access_token(collector), access_token(collector)
    assert bearer(cached).get(ME).status_code == 200
    assert cached.encode() in validated_tokens
    assert uncached.encode() not in validated_tokens
    with time_machine.travel(datetime_from_epoch(AccessToken(cached)["exp"]) + timedelta(minutes=1)):
        from_cache, fresh = bearer(cached).get(ME), bearer(uncached).get(ME)
    assert from_cache.status_code == fresh.status_code == 401
    assert from_cache.headers.get("WWW-Authenticate") == fresh.headers.get("WWW-Authenticate")
    assert without_request_id(from_cache) == without_request_id(fresh)


def test_an_expired_cached_token_raises_what_simplejwt_raises(collector: User, settings: Any) -> None:
    token = access_token(collector)
    auth = CachedUserJWTAuthentication()
    auth.get_validated_token(token.encode())
    assert token.encode() in validated_tokens
    with time_machine.travel(datetime_from_epoch(AccessToken(token)["exp"]), tick=False):
        with pytest.raises(InvalidToken) as from_cache:
            auth.get_validated_token(token.encode())
        settings.AUTH_TOKEN_CACHE_SIZE = 0
        with pytest.raises(InvalidToken) as uncached:
            auth.get_validated_token(token.encode())
    assert from_cache.value.detail == uncached.value.detail


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    return f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"


def signed_with_another_key(token: str) -> str:
    return TokenBackend("HS256", signing_key="another-key-" + "x" * 40).encode(AccessToken(token).payload)


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(tampered, id="tampered-signature"),
        pytest.param(signed_with_another_key, id="another-key"),
        pytest.param(lambda token: "not-a-jwt", id="garbage"),
    ],
)
def test_an_invalid_token_is_refused_and_never_cached(
    forge: Callable[[str], str], collector: User, decodes: list[bytes]
) -> None:
    token = access_token(collector)
    assert bearer(token).get(ME).status_code == 200  # the genuine one is cached
    forged = forge(token)
    for _ in range(2):
        response = bearer(forged).get(ME)
        assert response.status_code == 401
        assert error_of(response)["code"] == "TOKEN_INVALID"
    assert forged.encode() not in validated_tokens
    assert decodes.count(forged.encode()) == 2  # decoded, and refused, every time
    assert len(validated_tokens) == 1


def test_a_refresh_token_is_never_cached_as_an_access_token(collector: User) -> None:
    refresh = str(RefreshToken.for_user(collector))
    for _ in range(2):
        assert bearer(refresh).get(ME).status_code == 401
    assert len(validated_tokens) == 0


@pytest.mark.parametrize("revoke", REVOCATIONS)
def test_revocation_still_kills_a_cached_token_at_once(revoke: Any, collector: User) -> None:
    token = access_token(collector)
    client = bearer(token)
    assert client.get(ME).status_code == 200
    revoke(collector)
    assert token.encode() in validated_tokens  # the decode is still remembered ...
    response = client.get(ME)
    assert response.status_code == 401  # ... but the user row says no
    assert error_of(response)["code"] in {"TOKEN_INVALID", "AUTHENTICATION_FAILED"}


def test_a_request_that_changes_its_token_changes_nothing_for_the_next(collector: User) -> None:
    raw = access_token(collector).encode()
    auth = CachedUserJWTAuthentication()
    first = auth.get_validated_token(raw)  # a miss
    first["user_id"] = "someone-else"
    second = auth.get_validated_token(raw)  # a hit
    assert second["user_id"] == str(collector.pk)
    second["user_id"] = "someone-else"
    assert auth.get_validated_token(raw)["user_id"] == str(collector.pk)


def test_a_size_of_zero_decodes_every_time(collector: User, settings: Any, decodes: list[bytes]) -> None:
    settings.AUTH_TOKEN_CACHE_SIZE = 0
    token = access_token(collector)
    client = bearer(token)
    assert client.get(ME).status_code == 200
    assert client.get(ME).status_code == 200
    assert len(validated_tokens) == 0
    assert decodes == [token.encode(), token.encode()]


def test_the_cache_keeps_the_most_recently_used_tokens_up_to_its_size(
    collector: User, settings: Any, decodes: list[bytes]
) -> None:
    settings.AUTH_TOKEN_CACHE_SIZE = 3
    auth = CachedUserJWTAuthentication()
    one, two, three, four = (access_token(collector).encode() for _ in range(4))
    for raw in (one, two, three):
        auth.get_validated_token(raw)
    auth.get_validated_token(one)  # now the most recently used
    auth.get_validated_token(four)
    assert len(validated_tokens) == 3
    assert two not in validated_tokens
    assert all(raw in validated_tokens for raw in (one, three, four))
    decodes.clear()
    auth.get_validated_token(two)
    assert decodes == [two]  # evicted, so decoded again
    assert len(validated_tokens) == 3


def test_the_cache_stays_within_its_size_under_concurrent_requests(collector: User, settings: Any) -> None:
    settings.AUTH_TOKEN_CACHE_SIZE = 8
    tokens = [access_token(collector).encode() for _ in range(40)]
    errors: list[Exception] = []
    sizes: list[int] = []

    def authenticate_all(offset: int) -> None:
        auth = CachedUserJWTAuthentication()
        try:
            for i in range(200):
                raw = tokens[(offset + i) % len(tokens)]
                assert auth.get_validated_token(raw)["user_id"] == str(collector.pk)
                sizes.append(len(validated_tokens))
        except Exception as exc:  # noqa: BLE001 — reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=authenticate_all, args=(n * 5,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert max(sizes) <= 8
    assert len(validated_tokens) == 8
