"""The collector: blobs no photo references, and stored objects no blob row knows, once older
than the grace period (ordering rule: the package docstring)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import batched
from typing import Final

import structlog
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.core import errors
from apps.core.locks import lock_key, lock_keys
from apps.media import storage
from apps.media.models import Blob, ThumbnailState
from apps.real_estates.services import real_estate_cover_thumbnail_made

logger = structlog.get_logger(__name__)

_OBJECT_BATCH: Final = 500
"""Stored files matched to rows in one statement (three index lookups of as many keys each)."""


Removed = Callable[[str, str], None]
"""Told of each removal as it happens: `("blob", sha256)` or `("object", key)`, once the removal
(a dry run: its check) has left its transaction, so no lock is held while the callee writes."""


@dataclass
class GcReport:
    """What a collection removed (a dry run: would remove): counts and bytes, and the blobs'
    sha256 and the objects' keys unless `media_gc` hands each to `removed` as it goes."""

    blobs: list[str] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)
    blob_count: int = 0
    object_count: int = 0
    freed_bytes: int = 0
    removed: Removed | None = field(default=None, repr=False)

    def blob_removed(self, sha256: str, size: int) -> None:
        self.blob_count += 1
        self.freed_bytes += size
        self._tell("blob", sha256, self.blobs)

    def object_removed(self, key: str, size: int) -> None:
        self.object_count += 1
        self.freed_bytes += size
        self._tell("object", key, self.objects)

    def _tell(self, kind: str, name: str, kept: list[str]) -> None:
        if self.removed is None:
            kept.append(name)
        else:
            self.removed(kind, name)


def media_gc(
    *, grace: timedelta | None = None, dry_run: bool = False, removed: Removed | None = None
) -> GcReport:
    """Remove blobs no photo references and stored objects no blob row knows, older than `grace`
    (default `MEDIA_GC_GRACE_HOURS`).

    Each removal is handed to `removed` as it happens, when given (the command prints it, the task
    logs it), and then not kept in the report: a collection the storage interrupts has told what
    it removed before, and one after a mass deletion holds no list of millions of keys.

    Safe against uploads running at the same time: every deletion happens under the key lock that
    uploads take to link an object, after re-checking (under it) that nothing references the key
    and that the object is older than the grace period. Young objects are never touched, so a
    request that wrote its object and has not inserted its row yet keeps it.

    A file a real estate's cover names is kept even when no blob row names it any more (a
    rebuild replaced it and its copy to the covers has not landed): first the covers are given
    their blob's key, and the keys they named are kept for this run (ADR 0118).
    """
    grace = timedelta(hours=settings.MEDIA_GC_GRACE_HOURS) if grace is None else grace
    cutoff = timezone.now() - grace
    report = GcReport(removed=removed)
    covered = _covers_put_right(dry_run=dry_run)
    for blob_id in Blob.objects.orphaned().created_before(cutoff).values_list("pk", flat=True):
        _collect_blob(blob_id=blob_id, cutoff=cutoff, dry_run=dry_run, report=report, covered=covered)
    # Our prefixes only, leftovers like `<hash>_AbC123.jpg` too. Most stored files are in use:
    # a batch's are found in one statement and passed over; only a file no row named then gets
    # a transaction, its key lock and the re-check under it.
    old = (stored for stored in storage.iter_objects() if stored.modified_at < cutoff)
    for batch in batched(old, _OBJECT_BATCH, strict=False):
        known = Blob.objects.known_keys({stored.key for stored in batch})
        for stored in batch:
            if stored.key not in known and stored.key not in covered:
                _collect_object(
                    key=stored.key, size=stored.size, cutoff=cutoff, dry_run=dry_run, report=report
                )
    logger.info(
        "media_gc",
        blobs=report.blob_count,
        objects=report.object_count,
        freed_bytes=report.freed_bytes,
        dry_run=dry_run,
    )
    return report


def forget_unlinked_object(key: str) -> None:
    """Remove the object a failed upload wrote, unless a blob row holds it by now (the same bytes
    linked meanwhile by another request). Under the key lock, as the collector deletes: an upload
    of the same bytes that has written the object and not linked it yet finds it gone under that
    lock and writes it again. If the storage or the database fails here, the object is left to
    the collector (and the caller's own error is the one raised)."""
    try:
        with transaction.atomic():
            lock_key(key)
            if not Blob.objects.filter(key=key).exists():
                storage.delete_object(key)
    except (errors.StorageUnavailable, DatabaseError):
        logger.warning("unlinked_object_left", key=key, exc_info=True)


def _covers_put_right(*, dry_run: bool) -> frozenset[str]:
    """The keys the list's covers name that are not their blob's 256 px key (a rebuild's copy to
    the covers not landed, or deferred and never run): kept for this run, and each such cover,
    one showing none while its blob has one too, given its blob's key (through the real-estate
    service, which copies only a key the blob still has). A dry run changes no cover. A cover
    the database refuses to change (its row held past the statement timeout) stays as it is,
    and so does its file, for the next run."""
    stale = list(Blob.objects.stale_covers())
    if not dry_run:
        for blob_id, key in dict.fromkeys((blob_id, key) for blob_id, key, _shown in stale):
            try:
                real_estate_cover_thumbnail_made(blob_id=blob_id, key=key)
            except DatabaseError:
                logger.warning("cover_repair_deferred", blob_id=blob_id, exc_info=True)
    return frozenset(shown for _blob_id, _key, shown in stale if shown)


def _collect_blob(
    *, blob_id: int, cutoff: datetime, dry_run: bool, report: GcReport, covered: frozenset[str]
) -> None:
    """Delete an unreferenced blob: its renditions no other blob shares, its object and its row,
    under their key locks, so an upload of the same bytes waits, then finds neither row nor object
    and writes it again.

    In two transactions. The first makes the row forget its renditions (`pending`, no keys) and
    commits; the second deletes. A collection interrupted in the second (the storage failing on
    one delete, a lost commit) leaves a row that names no rendition it may have deleted: linking
    it again queues them (`photo_upload`), as it repairs a missing object."""
    with transaction.atomic():
        blob = _locked_orphan(blob_id=blob_id, cutoff=cutoff)
        if blob is None:
            return
        renditions = _unshared(blob, blob.thumbnail_256_key, blob.thumbnail_1024_key, kept=covered)
        if dry_run:
            size = blob.size + sum(storage.object_size(key) for key in renditions)
        else:
            Blob.objects.filter(pk=blob.pk).update(
                thumbnail_256_key="", thumbnail_1024_key="", thumbnail_state=ThumbnailState.PENDING
            )
    if dry_run:  # told with no lock held: a reader that stops reading keeps no upload waiting
        report.blob_removed(blob.sha256, size)
        return
    with transaction.atomic():
        blob = _locked_orphan(blob_id=blob_id, cutoff=cutoff, also=renditions)
        if blob is None:
            return  # linked again in between: pending, so its renditions are made again
        renditions = _unshared(
            blob, *renditions, blob.thumbnail_256_key, blob.thumbnail_1024_key, kept=covered
        )
        size = blob.size + sum(storage.object_size(key) for key in renditions)
        for key in renditions:
            storage.delete_object(key)
        storage.delete_object(blob.key)
        blob.delete()
    report.blob_removed(blob.sha256, size)  # once its deletion is committed


def _locked_orphan(*, blob_id: int, cutoff: datetime, also: Iterable[str] = ()) -> Blob | None:
    """The blob, once its keys (and `also`) are locked, if it is still unreferenced and older than
    `cutoff` (referenced again, or gone, since the scan: None)."""
    blob = Blob.objects.filter(pk=blob_id).first()
    if blob is None:
        return None
    lock_keys(blob.key, blob.thumbnail_256_key, blob.thumbnail_1024_key, *also)
    return Blob.objects.select_for_update().orphaned().created_before(cutoff).filter(pk=blob_id).first()


def _unshared(blob: Blob, *renditions: str, kept: frozenset[str]) -> list[str]:
    """The renditions no other blob names (identical pixels in two encodings share them) and no
    cover named when the run began (`kept`)."""
    return [
        key
        for key in dict.fromkeys(renditions)
        if key and key not in kept and not Blob.objects.with_thumbnail_key(key).exclude(pk=blob.pk).exists()
    ]


def _collect_object(*, key: str, size: int, cutoff: datetime, dry_run: bool, report: GcReport) -> None:
    with transaction.atomic():
        lock_key(key)
        if Blob.objects.filter(key=key).exists() or Blob.objects.with_thumbnail_key(key).exists():
            return
        if not dry_run:
            if not storage.object_exists(key) or storage.modified_at(key) >= cutoff:
                return  # rewritten by an upload since the listing: it is about to be linked
            storage.delete_object(key)
    report.object_removed(key, size)
