"""At most PASSWORD_HASH_CONCURRENCY password hashes run at once in a process (docs/adr/0003,
second addendum): more threads hashing than that wait for a slot, and each still gets its answer."""

import threading
from typing import Any

import pytest
from argon2.exceptions import InvalidHashError
from django.contrib.auth.hashers import Argon2PasswordHasher

from apps.users.hashers import Argon2idHasher

THREADS = 6


class _Occupancy:
    """How many threads are inside the hash at once, and the most there ever were."""

    def __init__(self, together: int) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        # The first `together` to get in wait for each other: proves that many may hash at once.
        self.meet = threading.Barrier(together, timeout=30)
        self.calls = 0

    def enter(self) -> None:
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
            first_group = self.calls < self.meet.parties
            self.calls += 1
        if first_group:
            self.meet.wait()
        threading.Event().wait(0.02)  # stay inside a moment, as a hash does: others try to get in

    def leave(self) -> None:
        with self.lock:
            self.inside -= 1


OCCUPANCY: list[_Occupancy] = []


class _RecordingArgon2(Argon2PasswordHasher):
    """Below Argon2idHasher in the method order of _Probe: what runs inside its slot."""

    def verify(self, password: str, encoded: str) -> bool:
        OCCUPANCY[-1].enter()
        try:
            return password == encoded
        finally:
            OCCUPANCY[-1].leave()

    def encode(self, password: str, salt: str) -> str:
        OCCUPANCY[-1].enter()
        try:
            return f"{salt}${password}"
        finally:
            OCCUPANCY[-1].leave()


class _Probe(Argon2idHasher, _RecordingArgon2):
    pass


def _together(call: Any, limit: int) -> tuple[int, list[Any]]:
    OCCUPANCY.append(_Occupancy(together=limit))
    start = threading.Barrier(THREADS, timeout=30)
    answers: list[Any] = [None] * THREADS
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait()
            answers[i] = call(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    return OCCUPANCY[-1].most, answers


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_no_more_verifications_than_the_limit_run_at_once(settings: Any, limit: int) -> None:
    settings.PASSWORD_HASH_CONCURRENCY = limit
    hasher = _Probe()
    most, answers = _together(lambda i: hasher.verify(str(i), str(i % 2)), limit)
    assert most == limit
    assert answers == [i in {0, 1} for i in range(THREADS)]  # each thread its own answer


def test_hashing_a_new_password_takes_a_slot_too(settings: Any) -> None:
    settings.PASSWORD_HASH_CONCURRENCY = 1
    hasher = _Probe()
    most, answers = _together(lambda i: hasher.encode(f"password-{i}", "salt"), 1)
    assert most == 1
    assert answers == [f"salt$password-{i}" for i in range(THREADS)]


def test_a_slot_is_given_back_when_the_hash_fails(settings: Any) -> None:
    settings.PASSWORD_HASH_CONCURRENCY = 1
    hasher = Argon2idHasher()
    for _ in range(3):  # with the slot kept, the second would wait for ever
        with pytest.raises(InvalidHashError):
            hasher.verify("a password", "argon2$not-a-hash")
    assert not hasher.verify("a password", hasher.encode("another", hasher.salt()))
