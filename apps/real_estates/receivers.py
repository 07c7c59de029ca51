"""Keeps the real estates' copy of their collector's name right, whatever path changes a user:
the users services, the admin, a shell. Connected in `RealEstatesConfig.ready`; the work is in
the services."""

from typing import Any

from apps.real_estates import services
from apps.users.models import User


def user_saved(
    sender: type[User], instance: User, created: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """`post_save`: a new user collected nothing yet; a save that names its fields without `name`
    (a sign-in's `last_login`, a password change) cannot have renamed them."""
    if created or (update_fields is not None and "name" not in update_fields):
        return
    services.real_estate_collector_renamed(user=instance)


def user_deleting(sender: type[User], instance: User, **kwargs: Any) -> None:
    """`pre_delete`: runs in the deletion's transaction, before `collected_by` is set to null."""
    services.real_estate_collector_deleted(user=instance)
