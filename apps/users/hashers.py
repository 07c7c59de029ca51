"""Argon2id at OWASP's password-storage cost (m=19 MiB, t=2, p=1); see docs/adr/0003."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # Same algorithm name as Django's: hashes made at another cost verify and are
    # upgraded on the next sign-in (must_update compares the parameters).
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
