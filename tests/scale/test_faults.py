"""Faults under the two-process deployment: PostgreSQL or Redis stopped, then back.

These stop and start the shared servers, so they run after the other scale tests.
"""

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apps.users.tokens import issue_token_pair
from tests.scale.conftest import Http

pytestmark = pytest.mark.stops_services


def _as_postgres(*command: str) -> None:
    runner = shlex.split(os.environ.get("PG_RUN_AS", ""))
    subprocess.run([*runner, *command], check=True, capture_output=True)  # noqa: S603 - fixed drill commands


def _pg_ctl(*args: str) -> None:
    _as_postgres(os.path.join(os.environ["PG_BINDIR"], "pg_ctl"), "-D", os.environ["PG_DATA_DIR"], *args)


def _start_postgres() -> None:
    options = (
        f"-p {os.environ['PG_PORT']} -k {os.environ['PG_SOCKET_DIR']} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _pg_ctl(
        "-l", os.path.join(os.environ["PG_DATA_DIR"], "restart.log"), "-w", "-t", "30", "start", "-o", options
    )


@pytest.fixture
def token(make_user: Callable[..., Any]) -> str:
    return issue_token_pair(user=make_user()).token


@pytest.fixture
def postgres_stopped() -> Iterator[None]:
    _pg_ctl("-m", "fast", "-w", "stop")
    try:
        yield
    finally:
        pg_ready = os.path.join(os.environ["PG_DATA_DIR"], "postmaster.pid")
        if not os.path.exists(pg_ready):
            _start_postgres()


def _readiness_once_past_its_cache(client: Http) -> Any:
    """/health/ready as soon as it reflects the fault: each process may answer from its last
    round of checks for HEALTH_READY_CACHE_SECONDS (2 s by default)."""
    deadline = time.monotonic() + 10
    response = client.get("/health/ready")
    while response.status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
        response = client.get("/health/ready")
    return response


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def test_with_postgresql_stopped_the_api_answers_503_fast_and_recovers_without_restart(
    token: str, apps: list[Http], balancer: Http, postgres_stopped: None
) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    for client in [*apps, balancer, balancer]:
        response, seconds = _timed(lambda c=client: c.get("/api/v1/_scale/whoami", headers=auth))
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert response.headers["Retry-After"]
        assert seconds < 1.0, f"503 took {seconds:.2f}s"
    # The failing component, and nothing else: no exception name, message or timing.
    ready = _readiness_once_past_its_cache(balancer).json()
    assert ready == {"status": "unavailable", "failing": ["database"]}

    _start_postgres()

    # Each worker's pool reconnects on its own: recovered means every worker of every app
    # answers, so ask for a run of consecutive good rounds, not one lucky request.
    deadline = time.monotonic() + 30
    good_rounds = 0
    while time.monotonic() < deadline and good_rounds < 10:
        statuses = [client.get("/api/v1/_scale/whoami", headers=auth).status_code for client in apps]
        good_rounds = good_rounds + 1 if statuses == [200, 200] else 0
        time.sleep(0.05 if good_rounds else 0.2)
    assert good_rounds >= 10, "the apps did not recover once PostgreSQL was back"


_restarted_redis: list[subprocess.Popen[bytes]] = []


@pytest.fixture(scope="session", autouse=True)
def _stop_restarted_redis() -> Iterator[None]:
    yield
    for process in _restarted_redis:
        process.terminate()
        process.wait(timeout=10)


def _redis_cli(*args: str) -> int:
    cli = shutil.which("redis-cli") or "redis-cli"
    command = [cli, "-p", os.environ["REDIS_PORT"], *args]
    return subprocess.run(command, check=False, capture_output=True).returncode  # noqa: S603 - fixed drill commands


@pytest.fixture
def redis_stopped(tmp_path: Any) -> Iterator[None]:
    _redis_cli("shutdown", "nosave")
    yield
    server = shutil.which("redis-server") or "redis-server"
    args = ["--port", os.environ["REDIS_PORT"], "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)]
    _restarted_redis.append(subprocess.Popen([server, *args], stdout=subprocess.DEVNULL))  # noqa: S603 - fixed drill commands
    for _ in range(100):
        if _redis_cli("ping") == 0:
            break
        time.sleep(0.05)


def test_with_redis_stopped_the_api_still_serves_and_readiness_says_so(
    token: str, apps: list[Http], balancer: Http, redis_stopped: None
) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    for client in [*apps, balancer]:
        response, seconds = _timed(lambda c=client: c.get("/api/v1/_scale/whoami", headers=auth))
        assert response.status_code == 200, response.text
        assert seconds < 1.0
    for _ in range(5):  # beyond the probe's 3/min: without shared state, throttles allow
        assert balancer.get("/api/v1/_scale/process").status_code == 200
    ready = _readiness_once_past_its_cache(balancer)
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "failing": ["cache"]}
