"""The user row authentication needs, read through the shared cache.

Every authenticated request needs its user: the role decides what it may see, `is_active`
and the password (the token's revoke claim) whether the token still counts. Reading the row
is a SQL round trip and a model instance, ~0.4 ms of a ~3 ms list request; the cache holds
the row for `AUTH_USER_CACHE_SECONDS` instead.

Revocation stays immediate: every save or delete of a user (`user_changed`, connected to
`post_save`/`post_delete` in `UsersConfig.ready`, and the services' bulk `update()`s through
`forget`) writes a *tombstone* under the user's key, at once and again after commit. While
it lives (`AUTH_USER_TOMBSTONE_SECONDS`) requests read the row from the database and may not
cache it (`add` does not replace the tombstone), so a request that read the old row just
before the change cannot put it back. With Redis unreachable reads miss and every request
reads the database, as before. See docs/adr/0011-jwt-revocation.md.

The cache never holds the password hash: only the fingerprint the revoke claim is compared
with. The instance built from the cache leaves `password` deferred (read from the database if
anything asks for it); saving it writes the loaded fields only.
"""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.users.models import User

_TOMBSTONE = "forgotten"
# Every concrete column but the password hash, in model order.
_FIELDS: tuple[str, ...] = tuple(
    field.attname for field in User._meta.concrete_fields if field.attname != "password"
)


def _key(user_id: Any) -> str:
    return f"users:auth:{user_id}"


def forget(user_id: Any) -> None:
    """The cached row of `user_id` is gone, now and after the current transaction commits."""
    if settings.AUTH_USER_CACHE_SECONDS <= 0:
        return
    key = _key(user_id)

    def tombstone() -> None:
        cache.set(key, _TOMBSTONE, timeout=settings.AUTH_USER_TOMBSTONE_SECONDS)

    tombstone()
    transaction.on_commit(tombstone)


def cached(user_id: Any) -> tuple[User, str] | None:
    """The user and its password fingerprint, or None (a miss, or a tombstone).

    Entries name their columns, so one written by a release with other columns still reads:
    a column it lacks stays deferred (loaded on access), one this model no longer has is
    left out."""
    entry = cache.get(_key(user_id))
    if not isinstance(entry, tuple):
        return None
    row, fingerprint = entry
    names = [name for name in _FIELDS if name in row]
    return User.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names]), fingerprint


def remember(user: User) -> None:
    row = {name: getattr(user, name) for name in _FIELDS}
    cache.add(
        _key(user.pk), (row, get_md5_hash_password(user.password)), timeout=settings.AUTH_USER_CACHE_SECONDS
    )


def user_changed(sender: type[User], instance: User, created: bool = False, **kwargs: Any) -> None:
    """`post_save` / `post_delete` receiver (connected in `UsersConfig.ready`)."""
    if not created:  # a new row has no older version anyone could have cached
        forget(instance.pk)
