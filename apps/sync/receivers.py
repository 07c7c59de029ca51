"""The change log whatever path deletes a user: `users.services.user_delete` records the changes of
the real estates the user collected and forgets the user's id itself (through
`real_estates.services.real_estate_collector_deleted`); this `pre_delete` receiver does the same
for any other path (a shell's `user.delete()`, a queryset's `delete()`), as the audit's receiver
erases the trail (docs/adr/0139). After the service it finds nothing left to do."""

from typing import Any

from apps.real_estates.models import RealEstate
from apps.sync.services import sync_forget_collector, sync_record_changes
from apps.users.models import User


def user_deleting(sender: type[User], instance: User, **kwargs: Any) -> None:
    """`pre_delete`: in the deletion's transaction, before `collected_by` is set to null. Each
    real estate the user collected changes (its collector goes): a change for managers' syncs,
    once per transaction (the service's own entries are found); then the log forgets the id."""
    collected = RealEstate.objects.filter(collected_by_id=instance.pk).values_list("pk", flat=True)
    sync_record_changes(real_estate_ids=list(collected))
    sync_forget_collector(user_id=instance.pk)
