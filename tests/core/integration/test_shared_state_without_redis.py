"""`make run`'s server, two worker processes on the embedded default (SQLite, no Redis), keeps
every guarantee that rests on shared state, whichever process answers (docs/adr/0045).

The server is started as `make run` starts it (migrate, createcachetable, `config.server`
with two workers, local settings) on a throwaway SQLite database, and driven over HTTP. Each
request is sent on a connection that the kernel gave to a chosen worker process: the test
reads which process holds the connection's socket from /proc, so "the other process" is a
fact, not a probability.
"""

import http.client
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.real_estates.helpers import PAYLOAD, payload
from tests.served import ROOT, embedded_environment, serving

URL = "/api/v1/real-estates"
PASSWORD = "uma-senha-bem-longa-42"


def _worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return sorted(int(pid) for pid in children)


class Server:
    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.port = port
        self.process = process
        self.workers = _worker_pids(process)

    def _holder(self, connection: http.client.HTTPConnection) -> int | None:
        """The worker process holding the server side of `connection` (from /proc/net/tcp)."""
        assert connection.sock is not None
        client_port = connection.sock.getsockname()[1]
        wanted = f"0100007F:{self.port:04X} 0100007F:{client_port:04X}"
        inodes = [
            fields[9]
            for fields in (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
            if f"{fields[1]} {fields[2]}" == wanted
        ]
        for pid in self.workers:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) in {f"socket:[{inode}]" for inode in inodes}:
                        return pid
                except OSError:
                    continue
        return None

    def connection_to(self, worker: int) -> http.client.HTTPConnection:
        """A keep-alive connection that worker `worker` accepted."""
        for _ in range(100):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request("GET", "/health/live")
            connection.getresponse().read()
            if self._holder(connection) == worker:
                return connection
            connection.close()
        raise AssertionError(f"no connection reached worker {worker}")

    def request(
        self, worker: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, Any]:
        connection = self.connection_to(worker)
        try:
            all_headers = {"Content-Type": "application/json", **(headers or {})}
            data = None if body is None else json.dumps(body)
            connection.request(method, path, body=data, headers=all_headers)
            response = connection.getresponse()
            raw = response.read()
            assert self._holder(connection) == worker  # answered by the worker chosen
            return response.status, response.headers, json.loads(raw) if raw else None
        finally:
            connection.close()


def _run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)  # noqa: S603 - our own interpreter and manage.py


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("make-run")
    env = embedded_environment(
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        MEDIA_ROOT=str(directory / "media"),
        LOG_LEVEL="WARNING",
    )
    # What `make run` does before serving (collectstatic aside: the API serves no static files).
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run([sys.executable, "manage.py", "createcachetable"], env)

    with serving(
        env,
        log=directory / "server.log",
        workers=2,
        probe="/health/ready",
        ready=lambda process: len(_worker_pids(process)) == 2,
        timeout=120,
    ) as (process, port):
        running = Server(port, process)
        for worker in running.workers:  # both workers answer before any test runs
            running.connection_to(worker).close()
        yield running


def _account(server: Server, cpf: str) -> str:
    worker = server.workers[0]
    status, _, body = server.request(
        worker, "POST", "/api/v1/sign-up", {"cpf": cpf, "name": "Maria da Silva", "password": PASSWORD}
    )
    assert status == 201, body
    status, _, body = server.request(worker, "POST", "/api/v1/sign-in", {"cpf": cpf, "password": PASSWORD})
    assert status == 200, body
    return str(body["token"])


def test_an_idempotent_retry_on_the_other_process_gives_one_record(server: Server) -> None:
    first, second = server.workers
    auth = {"Authorization": f"Bearer {_account(server, '529.982.247-25')}"}
    headers = {**auth, "Idempotency-Key": "6f1c2a9e-5b0d-4c1e-9a57-0c9f2f4b8d31"}

    created_status, _, created = server.request(first, "POST", URL, PAYLOAD, headers)
    retry_status, retry_headers, retried = server.request(second, "POST", URL, PAYLOAD, headers)

    assert created_status == retry_status == 201
    assert retry_headers["Idempotent-Replayed"] == "true"
    assert retried["id"] == created["id"]
    for worker in (first, second):
        assert server.request(worker, "GET", URL, headers=auth)[2]["count"] == 1


def test_identical_requests_racing_with_one_key_on_both_processes_create_one_record(server: Server) -> None:
    """A request that found no record, then took the key's lock just after the first request
    (its record written) released it, ran the create again: a retry storm made two or three."""
    auth = {"Authorization": f"Bearer {_account(server, '714.602.380-01')}"}
    rounds, racers = 6, 8
    for attempt in range(rounds):
        headers = {**auth, "Idempotency-Key": f"retry-storm-{attempt}"}
        connections = [server.connection_to(server.workers[i % 2]) for i in range(racers)]
        barrier = threading.Barrier(racers)

        def post(
            connection: http.client.HTTPConnection,
            headers: dict[str, str] = headers,
            barrier: threading.Barrier = barrier,
        ) -> tuple[int, Any]:
            barrier.wait()
            connection.request(
                "POST", URL, body=json.dumps(PAYLOAD), headers={**headers, "Content-Type": "application/json"}
            )
            response = connection.getresponse()
            return response.status, json.loads(response.read())

        with ThreadPoolExecutor(racers) as pool:
            outcomes = list(pool.map(post, connections))
        for connection in connections:
            connection.close()
        assert {status for status, _ in outcomes} <= {201, 409}, outcomes
        assert len({body["id"] for status, body in outcomes if status == 201}) == 1, outcomes
    assert server.request(server.workers[0], "GET", URL, headers=auth)[2]["count"] == rounds


def test_a_lists_count_is_right_on_both_processes_right_after_a_create(server: Server) -> None:
    first, second = server.workers
    auth = {"Authorization": f"Bearer {_account(server, '111.444.777-35')}"}
    for worker in (first, second):  # each process has read (and cached) the count
        assert server.request(worker, "GET", URL, headers=auth)[2]["count"] == 0

    assert server.request(first, "POST", URL, payload(title="Outra casa"), auth)[0] == 201

    for worker in (second, first):
        assert server.request(worker, "GET", URL, headers=auth)[2]["count"] == 1


def test_the_eleventh_sign_in_on_a_cpf_is_a_429_even_with_the_right_password(server: Server) -> None:
    first, second = server.workers
    cpf = "390.533.447-05"
    status, _, _ = server.request(
        first, "POST", "/api/v1/sign-up", {"cpf": cpf, "name": "João Pereira", "password": PASSWORD}
    )
    assert status == 201
    wrong = {"cpf": cpf, "password": "not-the-password"}
    statuses = [
        server.request((first, second)[i % 2], "POST", "/api/v1/sign-in", wrong)[0] for i in range(10)
    ]
    assert statuses == [401] * 10

    status, headers, body = server.request(
        second, "POST", "/api/v1/sign-in", {"cpf": cpf, "password": PASSWORD}
    )
    assert status == 429, body
    assert body["error"]["code"] == "THROTTLED"
    assert int(headers["Retry-After"]) > 0
