"""Brute force: sign-in throttled per IP and per CPF before any hashing; no account enumeration."""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from rest_framework.test import APIClient

from apps.users.cpf import format_cpf
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import error_of

pytestmark = pytest.mark.django_db

HASH_CALLS: list[str] = []


class CountingHasher(MD5PasswordHasher):
    """Records every hash computed, whether to store a password or to check one."""

    algorithm = "counting_md5"

    def encode(self, password: str, salt: str) -> str:
        HASH_CALLS.append("hash")
        return super().encode(password, salt)


@pytest.fixture
def hash_calls(settings: Any) -> Iterator[list[str]]:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    HASH_CALLS.clear()
    yield HASH_CALLS
    HASH_CALLS.clear()


@pytest.fixture
def rates(settings: Any) -> dict[str, str]:
    rates: dict[str, str] = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    original = dict(rates)
    yield rates
    rates.clear()
    rates.update(original)


WRONG_PASSWORD = "wrong-password"


def sign_in(client: APIClient, cpf: str, password: str = WRONG_PASSWORD, ip: str = "10.0.0.1") -> Any:
    return client.post("/api/v1/sign-in", {"cpf": cpf, "password": password}, REMOTE_ADDR=ip)


def test_an_unknown_cpf_costs_one_hash_like_a_wrong_password(
    api_client: APIClient, hash_calls: list[str]
) -> None:
    user = UserFactory()
    hash_calls.clear()  # the factory hashed the user's password

    wrong_password = sign_in(api_client, user.cpf)
    after_wrong_password = len(hash_calls)
    unknown_cpf = sign_in(api_client, "52998224725")
    after_unknown_cpf = len(hash_calls) - after_wrong_password

    assert after_wrong_password == after_unknown_cpf == 1
    assert wrong_password.status_code == unknown_cpf.status_code == 401
    assert error_of(wrong_password)["code"] == error_of(unknown_cpf)["code"] == "INVALID_CREDENTIALS"
    assert error_of(wrong_password)["message"] == error_of(unknown_cpf)["message"]


def test_sign_in_is_throttled_per_cpf_across_ips_and_spellings(
    api_client: APIClient, rates: dict[str, str]
) -> None:
    rates["sign_in_cpf"] = "3/5min"
    user = UserFactory()
    spellings = [user.cpf, format_cpf(user.cpf), f" {user.cpf} "]
    for n, cpf in enumerate(spellings):
        assert sign_in(api_client, cpf, ip=f"10.0.0.{n}").status_code == 401
    # Even the right password from yet another IP is refused now.
    response = sign_in(api_client, user.cpf, DEFAULT_PASSWORD, ip="10.0.0.99")
    assert response.status_code == 429
    assert error_of(response)["code"] == "THROTTLED"
    assert 1 <= int(response["Retry-After"]) <= 300
    # Another account is not affected.
    assert sign_in(api_client, UserFactory().cpf, DEFAULT_PASSWORD, ip="10.0.0.99").status_code == 200


def test_a_throttled_sign_in_computes_no_hash(
    api_client: APIClient, rates: dict[str, str], hash_calls: list[str]
) -> None:
    rates["sign_in_cpf"] = "1/5min"
    user = UserFactory()
    sign_in(api_client, user.cpf)
    hash_calls.clear()
    assert sign_in(api_client, user.cpf, DEFAULT_PASSWORD).status_code == 429
    assert hash_calls == []


def test_sign_in_is_throttled_per_ip(api_client: APIClient, rates: dict[str, str]) -> None:
    rates["sign_in_ip"] = "2/min"
    assert sign_in(api_client, UserFactory().cpf, ip="10.1.1.1").status_code == 401
    assert sign_in(api_client, UserFactory().cpf, ip="10.1.1.1").status_code == 401
    response = sign_in(api_client, UserFactory().cpf, DEFAULT_PASSWORD, ip="10.1.1.1")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert sign_in(api_client, UserFactory().cpf, DEFAULT_PASSWORD, ip="10.1.1.2").status_code == 200


def test_sign_up_is_throttled_per_ip(api_client: APIClient, rates: dict[str, str]) -> None:
    rates["sign_up_ip"] = "1/min"
    body = {"cpf": "529.982.247-25", "name": "Maria da Silva", "password": "uma-senha-bem-longa-42"}
    assert api_client.post("/api/v1/sign-up", body, REMOTE_ADDR="10.2.2.2").status_code == 201
    response = api_client.post("/api/v1/sign-up", {**body, "cpf": "11144477735"}, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429
    assert error_of(response)["code"] == "THROTTLED"
    assert "Retry-After" in response


def test_default_rates_match_the_spec(settings: Any) -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert (rates["sign_in_cpf"], rates["sign_in_ip"], rates["sign_up_ip"]) == (
        "10/5min",
        "120/min",
        "30/min",
    )


@pytest.mark.redis
def test_throttles_count_on_the_shared_redis_cache(
    api_client: APIClient, rates: dict[str, str], settings: Any
) -> None:
    import os

    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "make test runs Redis beside PostgreSQL"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    from django.core.cache import cache

    cache.clear()
    rates["sign_in_cpf"] = "1/5min"
    user = UserFactory()
    assert sign_in(api_client, user.cpf).status_code == 401
    assert sign_in(api_client, user.cpf).status_code == 429
    cache.clear()


@pytest.mark.parametrize("cpf", [52998224725, 52998224725.0, True])
def test_a_cpf_sent_as_a_json_number_is_refused_and_still_counted(
    api_client: APIClient, rates: dict[str, str], cpf: object
) -> None:
    rates["sign_in_cpf"] = "1/5min"
    response = api_client.post("/api/v1/sign-in", {"cpf": cpf, "password": "x"}, format="json")
    assert response.status_code == 400
    assert error_of(response)["fields"]["cpf"][0]["code"] == "invalid"
    again = api_client.post("/api/v1/sign-in", {"cpf": cpf, "password": "x"}, format="json")
    assert again.status_code == 429


def test_concurrent_sign_ins_on_a_cpf_are_each_counted(rates: dict[str, str], db: None) -> None:
    """Attempts racing on several threads never all slip under the limit (an atomic count)."""
    rates["sign_in_cpf"] = "5/5min"
    cpf = UserFactory().cpf
    statuses: list[int] = []

    def attempt() -> None:
        try:
            statuses.append(sign_in(APIClient(), cpf, ip="10.9.9.9").status_code)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(429) == 7
    assert statuses.count(401) == 5
