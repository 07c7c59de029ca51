"""While another process holds the SQLite file's write lock (a `seed_demo`, a `migrate`, a long
script), `make run`'s server answers every request that must write, which on the embedded default
is every API request (its throttles count in the database cache, docs/adr/0045), 503
`SERVICE_UNAVAILABLE` with `Retry-After` in the envelope once SQLite's 5 s busy timeout passes,
from both worker processes at once; the staff's sign-in page answers its own 503 page. Nothing
the refused requests began is left written: once the lock is released, a create retried with the
same `Idempotency-Key` makes one real estate."""

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from tests.embedded.embedded_app import PASSWORD, App, embedded_app
from tests.real_estates.helpers import PAYLOAD

KEY = "busy-4f1e2c7a-1b7d-4a0e-9d42-0f3f7e1a2b3c"
CPF = "529.982.247-25"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with embedded_app(tmp_path_factory) as running:
        yield running


@contextmanager
def write_lock_held(app: App) -> Iterator[None]:
    """Another process's write transaction on the server's database file, as a command's."""
    holder = sqlite3.connect(app.directory / "db.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def test_requests_meeting_a_held_write_lock_answer_503_and_leave_nothing_half_written(app: App) -> None:
    collector = app.account(CPF)
    create = {**collector, "Idempotency-Key": KEY}
    calls: list[Callable[[], httpx.Response]] = [
        lambda: app.request("POST", "/api/v1/real-estates", json=PAYLOAD, headers=create),
        lambda: app.request("POST", "/api/v1/sign-in", json={"cpf": CPF, "password": PASSWORD}),
        lambda: app.request("GET", "/api/v1/real-estates", headers=collector),
        lambda: app.request("GET", "/api/v1/sync/real-estates", headers=collector),
    ]

    with write_lock_held(app), ThreadPoolExecutor(len(calls)) as pool:
        answers = list(pool.map(lambda call: call(), calls))

    for answer in answers:
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert int(answer.headers["Retry-After"]) > 0
    created = app.request("POST", "/api/v1/real-estates", json=PAYLOAD, headers=create)
    assert created.status_code == 201, created.text
    assert "Idempotent-Replayed" not in created.headers  # the refused one created nothing
    replayed = app.request("POST", "/api/v1/real-estates", json=PAYLOAD, headers=create)
    assert replayed.json()["id"] == created.json()["id"]
    assert app.request("GET", "/api/v1/real-estates", headers=collector).json()["count"] == 1


def test_the_admin_sign_in_meeting_a_held_write_lock_answers_its_503_page(app: App) -> None:
    staff = httpx.Client(base_url=app.base, timeout=60)
    form = staff.get("/admin/login/")
    token = form.cookies["csrftoken"]
    with write_lock_held(app):
        answer = staff.post(
            "/admin/login/",
            data={"csrfmiddlewaretoken": token, "username": CPF, "password": PASSWORD},
            headers={"Referer": f"{app.base}/admin/login/"},
        )

    assert answer.status_code == 503
    assert "Service unavailable (503)" in answer.text
    assert int(answer.headers["Retry-After"]) > 0
