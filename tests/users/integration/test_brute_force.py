"""Brute force: sign-in throttled per IP and per CPF before any hashing; no account enumeration."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from apps.users.cpf import format_cpf
from tests.conftest import bearer_client
from tests.threads import run_at_once
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import error_of

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "wrong-password"


def sign_in(
    client: APIClient, cpf: str, password: str = WRONG_PASSWORD, ip: str = "10.0.0.1", **headers: str
) -> Any:
    return client.post("/api/v1/sign-in", {"cpf": cpf, "password": password}, REMOTE_ADDR=ip, **headers)


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


def test_by_default_one_cpf_gets_ten_attempts_per_five_minutes(api_client: APIClient) -> None:
    # SPEC: "10 attempts per CPF per 5 minutes" (each address stays under its own 120 per minute).
    cpf = UserFactory().cpf
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        statuses = [sign_in(api_client, cpf, ip=f"10.0.1.{i}").status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        assert sign_in(api_client, cpf, ip="10.0.2.1").status_code == 401


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


def test_a_cpf_with_a_lone_surrogate_is_refused_and_still_counted(
    api_client: APIClient, rates: dict[str, str]
) -> None:
    """JSON may escape half of a UTF-16 pair (`\\ud800`); the throttle hashes the CPF before the
    serializer refuses it, and that hash must not fail on text UTF-8 cannot encode."""
    rates["sign_in_cpf"] = "1/5min"
    body = '{"cpf": "529\\ud800", "password": "x"}'
    response = api_client.generic("POST", "/api/v1/sign-in", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert error_of(response)["fields"]["cpf"][0]["code"] == "surrogate_characters_not_allowed"
    again = api_client.generic("POST", "/api/v1/sign-in", body, content_type="application/json")
    assert again.status_code == 429


def test_concurrent_sign_ins_on_a_cpf_are_each_counted(rates: dict[str, str], db: None) -> None:
    """Attempts racing on several threads never all slip under the limit (an atomic count)."""
    rates["sign_in_cpf"] = "5/5min"
    cpf = UserFactory().cpf

    def attempt() -> object:
        return sign_in(APIClient(), cpf, ip="10.9.9.9").status_code

    statuses = run_at_once(*[attempt] * 12)
    assert statuses.count(429) == 7
    assert statuses.count(401) == 5


def test_guessing_the_current_password_with_a_token_counts_in_the_accounts_sign_in_bucket(
    api_client: APIClient, rates: dict[str, str], hash_calls: list[str]
) -> None:
    """`POST /users/me/password` checks the current password: with a stolen access token it would
    otherwise be a password oracle at the general per-user rate (1200/min), hashing every guess."""
    rates["sign_in_cpf"] = "3/5min"
    user = UserFactory()
    client = bearer_client(user)
    guesses = [
        client.post(
            "/api/v1/users/me/password",
            {"current_password": f"guess-{n}", "new_password": "uma-senha-nova-e-longa-1"},
            format="json",
        )
        for n in range(3)
    ]
    assert [response.status_code for response in guesses] == [400, 400, 400]
    hash_calls.clear()

    right = client.post(
        "/api/v1/users/me/password",
        {"current_password": DEFAULT_PASSWORD, "new_password": "uma-senha-nova-e-longa-1"},
        format="json",
    )

    assert right.status_code == 429
    assert error_of(right)["code"] == "THROTTLED"
    assert 1 <= int(right["Retry-After"]) <= 300
    assert hash_calls == []
    # The same bucket as the sign-in's: the account's sign-in is braked as well.
    assert sign_in(api_client, user.cpf, DEFAULT_PASSWORD, ip="10.9.9.9").status_code == 429


def test_the_per_cpf_bucket_is_named_by_a_keyed_hash_that_cannot_be_reversed_by_trying_every_cpf(
    settings: Any,
) -> None:
    """A CPF has about 10^9 possible values: a plain SHA-256 of it in a cache key is reversed by
    hashing them all in seconds, so whoever reads the cache would read who is signing in."""
    import hashlib

    from apps.users.throttling import SignInCpfThrottle

    cpf = "52998224725"
    key = SignInCpfThrottle().key_of(format_cpf(cpf))

    assert key == SignInCpfThrottle().key_of(cpf)  # every spelling, one bucket
    assert hashlib.sha256(cpf.encode()).hexdigest() not in key
    settings.SECRET_KEY = "another-secret-key-for-another-deployment-0123456789"
    assert SignInCpfThrottle().key_of(cpf) != key  # computed with the server's secret


def test_an_ipv6_client_is_throttled_by_its_64(api_client: APIClient, rates: dict[str, str]) -> None:
    """A subscriber holds a whole /64: a new address in it is no new bucket; another /64 is."""
    rates["sign_up_ip"] = "1/min"
    body = {"cpf": "529.982.247-25", "name": "Maria da Silva", "password": "uma-senha-bem-longa-42"}
    assert api_client.post("/api/v1/sign-up", body, REMOTE_ADDR="2001:db8:1:2::1").status_code == 201
    again = {**body, "cpf": "11144477735"}
    assert api_client.post("/api/v1/sign-up", again, REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert api_client.post("/api/v1/sign-up", again, REMOTE_ADDR="2001:db8:1:3::1").status_code == 201


@pytest.mark.parametrize(
    ("num_proxies", "forged"),
    [
        # Without a proxy the peer's address is the client's; any X-Forwarded-For is the client's say.
        (0, ["203.0.113.1", "203.0.113.2", "203.0.113.3, 10.0.0.9"]),
        # Behind one proxy (nginx, which overwrites the header) the last entry counts: what a client
        # writes in front of it, were it relayed, is never read.
        (1, ["203.0.113.1, 10.9.9.9", "203.0.113.2, 10.9.9.9", "garbage, 10.9.9.9"]),
    ],
)
def test_a_forged_x_forwarded_for_opens_no_new_sign_in_bucket(
    api_client: APIClient, rates: dict[str, str], settings: Any, num_proxies: int, forged: list[str]
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    rates["sign_in_ip"] = "1/min"
    first = {"HTTP_X_FORWARDED_FOR": "10.9.9.9"} if num_proxies else {}
    assert sign_in(api_client, UserFactory().cpf, ip="10.9.9.9", **first).status_code == 401

    for header in forged:
        cpf = UserFactory().cpf
        response = sign_in(api_client, cpf, DEFAULT_PASSWORD, ip="10.9.9.9", HTTP_X_FORWARDED_FOR=header)
        assert response.status_code == 429, header


def test_asking_the_profile_whether_an_email_is_registered_counts_in_the_sign_up_ip_bucket(
    api_client: APIClient, rates: dict[str, str]
) -> None:
    """`PATCH /users/me` with an `email` answers EMAIL_ALREADY_REGISTERED for another account's, as
    the sign-up does: a signed-in account must not ask it faster than the sign-up lets an IP
    (30/min, against the general per-user rate of 1200/min)."""
    rates["sign_up_ip"] = "2/min"
    taken = UserFactory(email="ocupado@example.com.br")
    client = bearer_client(UserFactory())

    def patch(body: dict[str, Any], ip: str = "10.3.3.3") -> Any:
        return client.patch("/api/v1/users/me", body, format="json", REMOTE_ADDR=ip)

    assert patch({"email": taken.email}).status_code == 409
    assert patch({"email": "livre@example.com.br"}).status_code == 200
    refused = patch({"email": "outro@example.com.br"})
    sign_up = api_client.post(
        "/api/v1/sign-up",
        {"cpf": "529.982.247-25", "name": "Maria da Silva", "password": "uma-senha-bem-longa-42"},
        REMOTE_ADDR="10.3.3.3",
    )

    assert refused.status_code == sign_up.status_code == 429
    assert error_of(refused)["code"] == "THROTTLED"
    assert "Retry-After" in refused
    # An edit that asks nothing about other accounts is not counted, nor braked.
    assert patch({"name": "Maria Souza Lima"}).status_code == 200
    assert patch({"email": None}).status_code == 200
    assert patch({"email": "outro@example.com.br"}, ip="10.3.3.4").status_code == 200
