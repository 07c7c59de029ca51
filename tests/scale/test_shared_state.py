"""Two app processes behind nginx share everything that matters: tokens, throttles, the cache."""

import uuid
from collections.abc import Callable
from typing import Any

from apps.users.tokens import issue_token_pair
from tests.scale.conftest import Http


def test_nginx_balances_between_both_app_processes(balancer: Http) -> None:
    served_by = {balancer.get("/health/live").status_code for _ in range(2)}
    assert served_by == {200}
    names = {balancer.get("/api/v1/_scale/cache/probe").json()["app"] for _ in range(6)}
    assert names == {"a", "b"}


def test_every_process_is_ready_on_the_shared_database_and_cache(apps: list[Http], balancer: Http) -> None:
    for client in [*apps, balancer]:
        response = client.get("/health/ready")
        assert response.status_code == 200, response.text
        assert response.json()["failing"] == []


def test_a_token_minted_with_the_shared_key_is_accepted_by_both_processes(
    apps: list[Http], make_user: Callable[..., Any]
) -> None:
    user = make_user()
    token = issue_token_pair(user=user).token
    for client in apps:
        response = client.get("/api/v1/_scale/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json()["user_id"] == str(user.pk)
    assert {c.get("/api/v1/_scale/whoami", headers={"Authorization": f"Bearer {token}"}).json()["app"]
            for c in apps} == {"a", "b"}  # fmt: skip


def test_a_value_cached_by_one_process_is_read_by_the_other(apps: list[Http]) -> None:
    key = uuid.uuid4().hex
    first, second = apps
    assert first.put(f"/api/v1/_scale/cache/{key}", json={"value": "shared"}).json()["app"] == "a"
    answer = second.get(f"/api/v1/_scale/cache/{key}").json()
    assert answer == {"app": "b", "value": "shared"}


def test_a_throttle_counts_requests_served_by_both_processes(apps: list[Http]) -> None:
    first, second = apps
    # The probe allows 3 requests a minute per client IP, whichever process serves them.
    statuses = [client.get("/api/v1/_scale/process").status_code for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
    throttled = second.get("/api/v1/_scale/process")
    assert throttled.json()["error"]["code"] == "THROTTLED"
    assert int(throttled.headers["Retry-After"]) > 0


def test_no_request_sees_the_process_environment(apps: list[Http]) -> None:
    """granian copies the process environment into every request's environ; config/wsgi.py
    drops it, so secrets never reach `request.META` (through a real server, both processes)."""
    for client in apps:
        body = client.get("/api/v1/_scale/environ").json()
        assert body["app"] in {"a", "b"}
        assert body["seen"] == []
