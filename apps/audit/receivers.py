"""Erasure whatever path deletes a user: `users.services.user_delete` erases the person from
the audit trail itself; this `pre_delete` receiver does the same for any other path (a shell,
a bulk delete). The sync log's own receiver is `apps/sync/receivers.py` (ADR 0139). The real
estates' copy of the collector's name has no such receiver since ADR 0012: only `user_delete`
empties it (ADR 0010). A second pass finds nothing left to change."""

from typing import Any

from apps.audit.services import audit_user_erase
from apps.users.models import User


def user_deleting(sender: type[User], instance: User, **kwargs: Any) -> None:
    """`pre_delete`: runs in the deletion's transaction, before the actor key is set to null."""
    audit_user_erase(user=instance)
