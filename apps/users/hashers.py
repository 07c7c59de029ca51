"""Argon2id at OWASP's password-storage cost (m=19 MiB, t=2, p=1), computed by the process's
`PASSWORD_HASH_CONCURRENCY` hashing threads; see docs/adr/0003 and its addenda.

A worker's request threads would otherwise hash side by side, more hashes than the node has
cores, each time-slicing with the others over 19 MiB of memory (every hash then costs more CPU),
and each thread's malloc arena would keep the buffer of its last hash. On the hashing threads,
at most that many hashes run at once and only their arenas keep a buffer. A request thread
waits for a free hashing thread; the wait is bounded by the worker's threads, so no timeout and
no new error.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

from apps.core.slots import ProcessThreads

_HASHING = ProcessThreads("PASSWORD_HASH_CONCURRENCY", name="password-hash")


class Argon2idHasher(Argon2PasswordHasher):
    # Same algorithm name as Django's: hashes made at another cost verify and are
    # upgraded on the next sign-in (must_update compares the parameters).
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    # Both compute a hash: a sign-in's check (verify), and the hash of a new password, of an
    # upgrade after sign-in, or of the password given for an unknown CPF (encode).
    def verify(self, password: str, encoded: str) -> bool:
        return _HASHING.run(super().verify, password, encoded)

    def encode(self, password: str, salt: str) -> str:
        return _HASHING.run(super().encode, password, salt)
