"""Writes of the change log: recording changes (inside the writers' transactions) and purging.

Every service that changes what a real estate's list item shows, or deletes it, calls
`sync_record_change` (one real estate) or `sync_record_changes` (a bulk update) inside its own
transaction, so the log row commits or rolls back with the change it records.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.real_estates.models import RealEstate
from apps.sync.models import ChangeKind, PurgeMark, RealEstateChange
from apps.sync.querysets import CurrentTransactionId, Position, ordered_by_transaction, transaction_id


def _require_transaction() -> None:
    # A log row committed apart from its change could be read before the change, or survive
    # its rollback: a programming error.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sync changes are recorded inside the writing transaction")


def sync_record_change(*, real_estate: RealEstate, deleted: bool = False, created: bool = False) -> None:
    """Record that `real_estate` changed (or, with `deleted`, is being deleted). Once per
    transaction: a second write of it in the same transaction finds it recorded (docs/adr/0114).
    One this transaction has just `created` cannot have been recorded yet: no look."""
    _require_transaction()
    if not created and _recorded_here([real_estate.pk]):
        return
    RealEstateChange.objects.create(
        xid=transaction_id(),
        real_estate_id=real_estate.pk,
        collected_by_id=real_estate.collected_by_id,
        kind=ChangeKind.DELETE if deleted else ChangeKind.UPSERT,
    )


def sync_record_changes(*, real_estate_ids: Collection[UUID]) -> int:
    """Record a change of each of these real estates (a bulk update), with the collector each
    has now, each once per transaction as `sync_record_change` does. Call it while their rows are
    still locked or just updated. Returns how many of them exist."""
    _require_transaction()
    if not real_estate_ids:
        return 0
    xid = transaction_id()
    recorded = _recorded_here(real_estate_ids)
    rows = list(RealEstate.objects.filter(pk__in=real_estate_ids).values_list("pk", "collected_by_id"))
    RealEstateChange.objects.bulk_create(
        RealEstateChange(xid=xid, real_estate_id=pk, collected_by_id=collector, kind=ChangeKind.UPSERT)
        for pk, collector in rows
        if pk not in recorded
    )
    return len(rows)


def _recorded_here(real_estate_ids: Collection[UUID]) -> set[UUID]:
    """Those of `real_estate_ids` the current transaction has recorded already: two entries of one
    transaction would let a page end between them and hand its change out twice (docs/adr/0114).
    No lock needed: only this transaction writes entries with its `xid`. On SQLite every `xid` is
    0, so it cannot tell its own entries: none."""
    if not ordered_by_transaction():
        return set()
    mine = RealEstateChange.objects.filter(xid=transaction_id(), real_estate_id__in=real_estate_ids)
    return set(mine.values_list("real_estate_id", flat=True))


def sync_transaction_xid() -> int:
    """The current transaction's `xid` as a log row stores it, for writers that insert log rows
    themselves (`seed_demo` copies them in bulk)."""
    _require_transaction()
    if not ordered_by_transaction():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {CurrentTransactionId.template}")
        row = cursor.fetchone()
    return int(row[0])


def sync_forget_collector(*, user_id: UUID) -> int:
    """User erasure: the log keeps no trace of the erased user (their id is personal data).
    Their entries stay, unscoped: the user can no longer sync, managers still see them."""
    _require_transaction()
    # Every writer records under its real estate's row lock: taking the user's rows first waits
    # for a write still open, whose entry (with the user's id) the update below then sees.
    list(
        RealEstate.objects.filter(collected_by_id=user_id)
        .order_by("pk")
        .select_for_update()
        .values_list("pk")
    )
    return RealEstateChange.objects.filter(collected_by_id=user_id).update(collected_by_id=None)


def purge_mark() -> Position:
    """The highest position purged so far: a cursor below it may have missed a change."""
    mark = PurgeMark.objects.filter(pk=1).values_list("xid", "change_id").first()
    return Position(*mark) if mark is not None else Position(0, 0)


@transaction.atomic
def sync_expire_cursors() -> int:
    """After a database restore (`manage.py expire_sync_cursors`, docs/operations.md): every
    cursor issued before now answers 410, so each client syncs again from the beginning instead of
    keeping what the restore took back. Empties the log (no cursor may continue from it) and sets
    the purge mark where a first sync begun now starts. Returns how many entries went. With the
    writers stopped (the restore procedure): a change committing meanwhile could lose its entry."""
    mark, _ = PurgeMark.objects.select_for_update().get_or_create(pk=1)
    start = RealEstateChange.objects.start_position()  # SQLite: the last id, before they go
    deleted, _ = RealEstateChange.objects.all().delete()
    mark.xid, mark.change_id = start
    mark.save(update_fields=["xid", "change_id"])
    return deleted


@transaction.atomic
def sync_purge(*, retention: timedelta | None = None, now: datetime | None = None) -> int:
    """Delete log rows older than the retention (`SYNC_RETENTION_DAYS`) and raise the purge mark
    to the highest position deleted. Idempotent; returns how many rows went."""
    if retention is None:
        retention = timedelta(days=settings.SYNC_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - retention
    mark, _ = PurgeMark.objects.select_for_update().get_or_create(pk=1)
    old = RealEstateChange.objects.filter(created_at__lt=cutoff)
    last = old.in_log_order().reverse().values_list("xid", "id").first()
    if last is None:
        return 0
    highest = Position(*last)
    deleted, _ = old.at_or_before(highest).delete()
    if highest > Position(mark.xid, mark.change_id):
        mark.xid, mark.change_id = highest
        mark.save(update_fields=["xid", "change_id"])
    return deleted
