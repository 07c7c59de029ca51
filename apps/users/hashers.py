"""Argon2id at OWASP's password-storage cost (m=19 MiB, t=2, p=1), at most
`PASSWORD_HASH_CONCURRENCY` hashes at once per process; see docs/adr/0003 and its addenda.

The bound: a worker's threads would otherwise hash side by side, more hashes than the node has
cores, each time-slicing with the others over 19 MiB of memory (every hash then costs more CPU).
A hash that finds every slot taken waits for one; the wait is bounded by the worker's threads,
so no timeout and no new error. (It does not bound memory: each thread's malloc arena still
keeps the buffer of its last hash; see the addendum.)
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.hashers import Argon2PasswordHasher

from apps.core.slots import ProcessSlots

_HASHES = ProcessSlots("PASSWORD_HASH_CONCURRENCY")


@contextmanager
def password_hash_slot() -> Iterator[None]:
    """Hold one of the process's password-hashing slots for the duration of the block."""
    with _HASHES.semaphore():
        yield


class Argon2idHasher(Argon2PasswordHasher):
    # Same algorithm name as Django's: hashes made at another cost verify and are
    # upgraded on the next sign-in (must_update compares the parameters).
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    # Both compute a hash: a sign-in's check (verify), and the hash of a new password, of an
    # upgrade after sign-in, or of the password given for an unknown CPF (encode).
    def verify(self, password: str, encoded: str) -> bool:
        with password_hash_slot():
            return super().verify(password, encoded)

    def encode(self, password: str, salt: str) -> str:
        with password_hash_slot():
            return super().encode(password, salt)
