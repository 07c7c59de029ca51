"""Password hashes run on the process's PASSWORD_HASH_CONCURRENCY hashing threads (docs/adr/0003,
second and third addenda): more threads hashing than that wait for one, each still gets its
answer, and no hash runs on the thread that asked for it."""

import os
import subprocess
import sys
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
        self.threads: set[int] = set()

    def enter(self) -> None:
        with self.lock:
            self.threads.add(threading.get_ident())
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
    callers: set[int] = set()

    def run(i: int) -> None:
        try:
            callers.add(threading.get_ident())
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
    hashing = OCCUPANCY[-1].threads
    # The hashes ran on at most `limit` threads, none of them a caller: only those keep a buffer.
    assert len(hashing) <= limit
    assert not hashing & callers
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


def test_a_failed_hash_raises_in_its_caller_and_frees_its_thread(settings: Any) -> None:
    settings.PASSWORD_HASH_CONCURRENCY = 1
    hasher = Argon2idHasher()
    for _ in range(3):  # with the thread kept, the second would wait for ever
        with pytest.raises(InvalidHashError):
            hasher.verify("a password", "argon2$not-a-hash")
    assert not hasher.verify("a password", hasher.encode("another", hasher.salt()))


FORKED = """
import os
import django
django.setup()
from apps.users.hashers import Argon2idHasher
hasher = Argon2idHasher()
encoded = hasher.encode("a password", hasher.salt())  # the parent's hashing thread exists now
pid = os.fork()
if pid == 0:
    os._exit(0 if hasher.verify("a password", encoded) else 1)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
"""


def test_a_forked_child_hashes_on_threads_of_its_own() -> None:
    # A parent's threads do not survive fork: a child that reused its pool would wait for ever.
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", FORKED],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.stdout.strip() == "0", result.stderr
