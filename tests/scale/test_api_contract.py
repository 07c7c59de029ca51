"""Scale-out proofs on the product API itself (SPEC sections 1 and 2), across both processes.

They use the public contract only: sign-in, the profile, real estates with an Idempotency-Key,
the stats endpoint and photo uploads. The harness sets the per-CPF sign-in rate to 4 per 5 minutes.
"""

import io
import uuid
from collections.abc import Callable
from typing import Any

from PIL import Image

from apps.users.models import Role
from tests.scale.conftest import Http
from tests.users.factories import DEFAULT_PASSWORD


def _sign_in(client: Http, cpf: str, password: str = DEFAULT_PASSWORD) -> Any:
    return client.post("/api/v1/sign-in", json={"cpf": cpf, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _real_estate() -> dict[str, Any]:
    return {
        "title": "Casa com quintal no Jardim Botânico",
        "description": "Três quartos, quintal e garagem coberta.",
        "kind": "house",
        "purpose": "sale",
        "price": "850000.00",
        "area_m2": "180.50",
        "bedrooms": 3,
        "bathrooms": 2,
        "parking_spaces": 2,
        "address": {
            "zip_code": "22460030",
            "street": "Rua Jardim Botânico",
            "number": "100",
            "complement": "",
            "neighborhood": "Jardim Botânico",
            "city": "Rio de Janeiro",
            "state": "RJ",
        },
    }


def test_a_token_issued_by_one_process_works_on_the_other(
    apps: list[Http], make_user: Callable[..., Any]
) -> None:
    user = make_user()
    first, second = apps
    signed_in = _sign_in(first, user.cpf)
    assert signed_in.status_code == 200, signed_in.text
    me = second.get("/api/v1/users/me", headers=_bearer(signed_in.json()["token"]))
    assert me.status_code == 200
    assert me.json()["cpf"] == user.cpf


def test_sign_in_throttling_per_cpf_counts_attempts_on_both_processes(
    apps: list[Http], make_user: Callable[..., Any]
) -> None:
    user = make_user()
    first, second = apps
    statuses = [_sign_in(client, user.cpf, "wrong-password").status_code for client in (first, second) * 2]
    assert statuses == [401, 401, 401, 401]
    throttled = _sign_in(first, user.cpf)  # the right password, but the CPF is out of attempts
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "THROTTLED"
    assert int(throttled.headers["Retry-After"]) > 0


def test_an_idempotency_key_used_on_one_process_is_honoured_on_the_other(
    apps: list[Http], balancer: Http, make_user: Callable[..., Any]
) -> None:
    collector = make_user(role=Role.COLLECTOR)
    first, second = apps
    token = _sign_in(first, collector.cpf).json()["token"]
    headers = {**_bearer(token), "Idempotency-Key": str(uuid.uuid4())}

    created = first.post("/api/v1/real-estates", json=_real_estate(), headers=headers)
    replayed = second.post("/api/v1/real-estates", json=_real_estate(), headers=headers)

    assert created.status_code == 201, created.text
    assert replayed.status_code in {200, 201}  # a replay answers the stored response
    assert replayed.json()["id"] == created.json()["id"]
    listed = balancer.get("/api/v1/real-estates", headers=_bearer(token)).json()
    assert listed["count"] == 1


def test_cached_stats_are_invalidated_for_both_processes_after_a_write_on_one(
    apps: list[Http], make_user: Callable[..., Any]
) -> None:
    manager = make_user(role=Role.MANAGER)
    collector = make_user(role=Role.COLLECTOR)
    first, second = apps
    manager_auth = _bearer(_sign_in(first, manager.cpf).json()["token"])
    collector_auth = _bearer(_sign_in(second, collector.cpf).json()["token"])

    def drafts(client: Http) -> int:
        response = client.get("/api/v1/real-estates/stats?group_by=status", headers=manager_auth)
        assert response.status_code == 200, response.text
        return sum(row["count"] for row in response.json()["results"] if row["key"] == "draft")

    before = [drafts(first), drafts(second)]  # both processes now hold the stats in the cache
    assert before[0] == before[1]
    created = first.post("/api/v1/real-estates", json=_real_estate(), headers=collector_auth)
    assert created.status_code == 201, created.text
    assert [drafts(second), drafts(first)] == [before[0] + 1, before[0] + 1]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_same_bytes_uploaded_through_both_processes_end_in_one_photo(
    apps: list[Http], make_user: Callable[..., Any]
) -> None:
    collector = make_user(role=Role.COLLECTOR)
    first, second = apps
    auth = _bearer(_sign_in(first, collector.cpf).json()["token"])
    real_estate = first.post("/api/v1/real-estates", json=_real_estate(), headers=auth).json()
    photos = f"/api/v1/real-estates/{real_estate['id']}/photos"
    image = _png()

    created = first.post(photos, files={"file": ("a.png", image, "image/png")}, headers=auth)
    again = second.post(photos, files={"file": ("b.png", image, "image/png")}, headers=auth)

    assert created.status_code == 201, created.text
    assert again.status_code == 200, again.text
    assert again.json()["id"] == created.json()["id"]
    assert again.json()["sha256"] == created.json()["sha256"]
