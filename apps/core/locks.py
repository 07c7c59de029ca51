"""A transaction-scoped lock per name: the media's storage keys, shared by uploads, thumbnails and
the garbage collector, and `user_ensure_local_admin`'s one local admin.

Storage writes run outside transactions, so the database cannot arbitrate them directly; instead
whoever *links* a key to a row (upload, thumbnail task) and whoever *deletes* the object of a key
(gc) first takes this lock, and re-checks the state it relies on while holding it
(docs/adr/0030-content-addressed-media.md). PostgreSQL: `pg_advisory_xact_lock`, released at
commit or rollback. SQLite (local `make run`) serialises write transactions anyway.
"""

import hashlib

from django.db import connection


def lock_key(key: str) -> None:
    """Block until this transaction holds the lock of `key`. Must run inside `transaction.atomic`."""
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def lock_keys(*keys: str) -> None:
    """Several locks in one global order, so two holders never wait on each other."""
    for key in sorted(set(filter(None, keys))):
        lock_key(key)
