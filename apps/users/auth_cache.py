"""The user row authentication needs, read through the shared cache.

Every authenticated request needs its user: the role decides what it may see, `is_active`
and the password (the token's revoke claim) whether the token still counts. Reading the row
is a SQL round trip and a model instance on every request; the cache holds the row for
`AUTH_USER_CACHE_SECONDS` instead (the cost is in docs/adr/0011).

Revocation stays immediate: every save or delete of a user (`user_changed`, connected to
`post_save`/`post_delete` in `UsersConfig.ready`, and the services' bulk `update()`s through
`forget`) writes a *tombstone* under the user's key, at once and again after commit. While
it lives (`AUTH_USER_TOMBSTONE_SECONDS`) requests read the row from the database and may not
cache it (`add` does not replace the tombstone), so a request that read the old row just
before the change cannot put it back. With Redis unreachable reads miss and every request
reads the database, as before. See docs/adr/0011-jwt-revocation.md.

An entry is the row simplejwt's `get_user` accepted and the revoke claim of the token it
accepted it for (apps/users/authentication.py); it answers only tokens carrying that claim.
It never holds the password hash nor `last_login`: the instance built from it leaves them
deferred (read from the database if anything asks for them), and saving it writes the loaded
fields only. So a sign-in, which writes `last_login` alone, leaves nothing here stale.
"""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

from apps.users.models import User

_TOMBSTONE = "forgotten"
# Every concrete column but the password hash and the last sign-in, in model order.
_FIELDS: tuple[str, ...] = tuple(
    field.attname for field in User._meta.concrete_fields if field.attname not in {"password", "last_login"}
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


def cached(user_id: Any, *, claim: Any) -> User | None:
    """The user simplejwt accepted for a token carrying `claim`, or None (a miss, a tombstone,
    or an entry made for another claim: a token from before a password change, say).

    Entries name their columns, so one written by a release with other columns still reads:
    a column it lacks stays deferred (loaded on access), one this model no longer has is
    left out."""
    entry = cache.get(_key(user_id))
    if not isinstance(entry, tuple) or entry[1] != claim:
        return None
    row = entry[0]
    names = [name for name in _FIELDS if name in row]
    return User.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names])


def remember(user: User, *, claim: Any) -> None:
    """Keep the row simplejwt just accepted for a token carrying `claim`; a tombstone stays."""
    row = {name: getattr(user, name) for name in _FIELDS}
    cache.add(_key(user.pk), (row, claim), timeout=settings.AUTH_USER_CACHE_SECONDS)


def user_changed(sender: type[User], instance: User, created: bool = False, **kwargs: Any) -> None:
    """`post_save` / `post_delete` receiver (connected in `UsersConfig.ready`)."""
    if not created:  # a new row has no older version anyone could have cached
        forget(instance.pk)
