"""The change log offline clients sync from (docs/adr/0080-incremental-sync.md).

One `RealEstateChange` row per real estate a transaction changed (on PostgreSQL its first write
records it, later ones find it recorded: docs/adr/0114), written inside that transaction by
`services.sync_record_change(s)`. No foreign keys: a row outlives its real
estate (it is the tombstone) and its collector (it scopes the tombstone).
"""

from django.db import models
from django.utils import timezone

from apps.sync.querysets import RealEstateChangeQuerySet


class ChangeKind(models.TextChoices):
    UPSERT = "upsert", "upsert"
    DELETE = "delete", "delete"


class RealEstateChange(models.Model):
    # Order of insertion; with `xid`, the position a cursor points at.
    id = models.BigAutoField(primary_key=True)
    # The writing transaction's id (`pg_current_xact_id()`) on PostgreSQL; 0 elsewhere, where
    # one writer at a time makes `id` the commit order.
    xid = models.BigIntegerField()
    real_estate_id = models.UUIDField()
    # The collector at the time of the change: whose sync sees it.
    collected_by_id = models.UUIDField(null=True)
    kind = models.CharField(max_length=6, choices=ChangeKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RealEstateChangeQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["xid", "id"], name="sync_change_position"),
            models.Index(fields=["collected_by_id", "xid", "id"], name="sync_change_collector"),
            models.Index(fields=["created_at"], name="sync_change_created_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ChangeKind.values), name="sync_change_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.real_estate_id} @ ({self.xid}, {self.id})"


class PurgeMark(models.Model):
    """One row (pk 1): the highest position the daily purge has deleted. A cursor below it may
    have missed a purged change, so it is answered with 410."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    xid = models.BigIntegerField(default=0)
    change_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="sync_purge_mark_single_row")]

    def __str__(self) -> str:
        return f"purged through ({self.xid}, {self.change_id})"
