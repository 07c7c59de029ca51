"""The app as `make run` serves it, for tests that use it as its users do: SQLite, local storage,
in-process tasks, several worker processes, no Redis (tests/served.py). Each test module starts
its own server (`embedded_app`), on a throwaway database, with the settings it names."""

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.served import ROOT, embedded_environment, serving

PASSWORD = "uma-senha-bem-longa-42"


class App:
    """The served app, driven over HTTP: each call a new connection, so the kernel spreads the
    calls over the worker processes as it spreads a field team's."""

    def __init__(self, port: int, directory: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.directory = directory

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.base + path, timeout=60, **kwargs)

    def account(self, cpf: str, name: str = "Maria da Silva") -> dict[str, str]:
        """A collector signed up and in: its `Authorization` header."""
        body = {"cpf": cpf, "name": name, "password": PASSWORD}
        assert self.request("POST", "/api/v1/sign-up", json=body).status_code == 201
        signed_in = self.request("POST", "/api/v1/sign-in", json={"cpf": cpf, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        return {"Authorization": f"Bearer {signed_in.json()['token']}"}


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
    )


@contextmanager
def embedded_app(tmp_path_factory: pytest.TempPathFactory, **settings: str) -> Iterator[App]:
    """The server with two worker processes on a SQLite database of its own, migrated as `make run`
    migrates it, with `settings` (environment variables) on top of the embedded defaults."""
    directory = tmp_path_factory.mktemp("embedded")
    env = embedded_environment(
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        MEDIA_ROOT=str(directory / "media"),
        LOG_LEVEL="WARNING",
        **settings,
    )
    _manage(env, "migrate", "--noinput", "-v", "0")
    with serving(env, log=directory / "server.log", workers=2, probe="/health/ready", timeout=120) as (
        _,
        port,
    ):
        yield App(port, directory)
