"""Reads of the audit trail."""

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from apps.audit.models import AuditEvent  # noqa: F401


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def with_actor(self) -> "AuditEventQuerySet":
        """The actor's id and name in the same statement (the list shows both)."""
        return self.select_related("actor").only(*_LIST_FIELDS, "actor__id", "actor__name")

    def about(self, *, target_type: str, target_id: Any) -> "AuditEventQuerySet":
        return self.filter(target_type=target_type, target_id=str(target_id))

    def by_actor(self, actor_id: Any) -> "AuditEventQuerySet":
        return self.filter(actor_id=actor_id)


_LIST_FIELDS = (
    "id",
    "created_at",
    "actor_erased",
    "action",
    "target_type",
    "target_id",
    "changes",
    "request_id",
)
