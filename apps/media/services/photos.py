"""The photos of a real estate: upload, caption, move and delete (ordering rule: the package
docstring). Every write keeps the real estate's count, cover and version right, in its transaction."""

import io
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import IO, Final
from uuid import UUID

import structlog
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from kombu.exceptions import OperationalError as BrokerUnreachable

from apps.audit.services import audit_created, audit_deleted, audit_diff, audit_record, audit_snapshot
from apps.core import errors
from apps.core.locks import lock_key
from apps.core.metrics import UPLOAD_BYTES
from apps.media import images, storage
from apps.media.decoding import decode_slot
from apps.media.models import MAX_PHOTOS_PER_REAL_ESTATE, Blob, Photo, ThumbnailState
from apps.media.services.gc import forget_unlinked_object
from apps.real_estates import list_cache
from apps.real_estates.models import RealEstate
from apps.real_estates.services import (
    real_estate_cover_thumbnail_made,
    real_estate_ensure_editable,
    real_estate_lock_for_edit,
    real_estate_photo_count_changed,
    real_estate_reopen_if_rejected,
)
from apps.users.models import User

logger = structlog.get_logger(__name__)

_REORDER_OFFSET: Final = 1000
_UPLOAD_ATTEMPTS: Final = 3
AUDITED_FIELDS: Final = ("real_estate", "blob", "caption", "position")
"""What an audit event of a photo shows (apps/audit)."""


@dataclass(frozen=True, slots=True)
class UploadResult:
    photo: Photo
    created: bool


class _ObjectVanished(Exception):
    """The object under a key was collected between our write and our link: write it again."""


def photo_upload(
    *,
    real_estate: RealEstate,
    actor: User,
    file: IO[bytes],
    caption: str = "",
    expected_version: int | None = None,
) -> UploadResult:
    """Add an image to a real estate: a new photo (created) or the one already holding these bytes.

    Deliberately not wrapped in one transaction: decoding and the storage write happen before
    any lock is taken (see the package docstring); `_link_photo` is the short transaction.
    `expected_version` comes from `If-Match`, as for every photo write (`_ensure_version`).
    """
    # Fail fast; scope, state and version re-checked under the lock.
    real_estate_ensure_editable(real_estate=real_estate)
    _ensure_version(real_estate, expected_version)
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    if size > settings.MEDIA_UPLOAD_MAX_BYTES:
        raise errors.PhotoTooLarge()
    with decode_slot():  # bounds what concurrent uploads add to this process (ADR 0031)
        normalised = images.normalise(
            file,
            max_pixels=settings.MEDIA_MAX_PIXELS,
            max_decode_bytes=settings.MEDIA_DECODE_MAX_BYTES,
            max_jpeg_scans=settings.MEDIA_JPEG_MAX_SCANS,
        )
    key = storage.blob_key(normalised.sha256, normalised.extension)
    # Cheap, lock-free pre-check so a full real estate writes nothing; re-checked under the lock
    # (a request losing that race removes the object it wrote, never leaves a row).
    photos = Photo.objects.filter(real_estate_id=real_estate.pk)
    if (
        photos.count() >= MAX_PHOTOS_PER_REAL_ESTATE
        and not photos.filter(blob__sha256=normalised.sha256).exists()
    ):
        raise errors.PhotoLimitReached()
    for attempt in range(_UPLOAD_ATTEMPTS):
        wrote = attempt > 0 or not Blob.objects.filter(sha256=normalised.sha256).exists()
        if wrote:
            storage.put_object(key, normalised.data)  # outside any transaction, on purpose
        try:
            result = _link_photo(
                real_estate_id=real_estate.pk,
                actor=actor,
                normalised=normalised,
                key=key,
                caption=caption,
                expected_version=expected_version,
            )
        except _ObjectVanished:
            continue
        except Exception:
            # Refused under the lock (the limit reached, the real estate submitted or deleted
            # meanwhile, the actor erased), or the database failed there (a statement timeout
            # behind a long lock): what this request wrote goes with it.
            if wrote:
                forget_unlinked_object(key)
            raise
        if result.created:
            # In-process thumbnails ran at commit: show them in this very response. The photo is
            # committed, so this is its answer whatever commits after: its deletion, then the
            # collector (no grace) taking its blob, leave the photo shown as it was linked.
            with suppress(Blob.DoesNotExist):
                result.photo.blob.refresh_from_db(
                    fields=["thumbnail_256_key", "thumbnail_1024_key", "thumbnail_state"]
                )
            # At once, unless a caller's transaction is still open: then only if it commits.
            transaction.on_commit(
                partial(_uploaded, photo_id=result.photo.pk, sha256=normalised.sha256, size=size)
            )
        return result
    raise errors.StorageUnavailable()  # pragma: no cover - needs gc to win three races in a row


def _uploaded(*, photo_id: UUID, sha256: str, size: int) -> None:
    UPLOAD_BYTES.inc(size)
    logger.info("photo_uploaded", photo_id=str(photo_id), sha256=sha256, size=size)


@transaction.atomic
def _link_photo(
    *,
    real_estate_id: UUID,
    actor: User,
    normalised: images.NormalisedImage,
    key: str,
    caption: str,
    expected_version: int | None,
) -> UploadResult:
    # The actor's row, then the real estate (ADR 0015), then the key: the order of every write.
    real_estate = real_estate_lock_for_edit(real_estate_id=real_estate_id, actor=actor)
    _ensure_version(real_estate, expected_version)
    lock_key(key)  # the collector deletes objects under the same lock
    # A HEAD under our locks, not the write: proves the collector did not take the object between
    # our write (or our "the blob row exists" check) and this lock. Also repairs a blob whose
    # object went missing some other way: the retry writes it again.
    if not storage.object_exists(key):
        raise _ObjectVanished()
    blob = Blob.objects.filter(sha256=normalised.sha256).first()
    if blob is None:
        blob = _create_blob(normalised=normalised, key=key)
    existing = Photo.objects.filter(real_estate_id=real_estate.pk, blob=blob).with_serializer_data().first()
    if existing is not None:
        return UploadResult(photo=existing, created=False)
    count = Photo.objects.filter(real_estate_id=real_estate.pk).count()
    if count >= MAX_PHOTOS_PER_REAL_ESTATE:
        raise errors.PhotoLimitReached()
    photo = Photo.objects.create(
        real_estate_id=real_estate.pk, blob=blob, caption=caption, position=count, uploaded_by=actor
    )
    _photos_changed(real_estate=real_estate, actor=actor, delta=1)
    audit_record(actor=actor, action="photo.add", target=photo, changes=audit_created(photo, AUDITED_FIELDS))
    if blob.thumbnail_state != ThumbnailState.READY:
        transaction.on_commit(partial(_queue_thumbnails, blob.pk))
    return UploadResult(photo=photo, created=True)


def _queue_thumbnails(blob_id: int) -> None:
    """After the commit (Celery's `delay_on_commit`, ADR 0041), with the photo saved: a task queue
    that cannot take the job (a broker configured and down, after kombu's retries) is logged, not
    the client's 500 for an upload that is done. The blob stays `pending`; `rebuild_thumbnails`
    makes it."""
    from apps.media.tasks import generate_thumbnails  # the tasks module imports the services

    try:
        generate_thumbnails.delay(blob_id)
    except BrokerUnreachable:
        logger.error("thumbnails_not_queued", blob_id=blob_id, exc_info=True)


def _create_blob(*, normalised: images.NormalisedImage, key: str) -> Blob:
    # The key lock serialises inserts of one hash on PostgreSQL; the unique constraint is the
    # arbiter everywhere else (a savepoint keeps the outer transaction usable).
    try:
        with transaction.atomic():
            return Blob.objects.create(
                sha256=normalised.sha256,
                key=key,
                size=len(normalised.data),
                content_type=normalised.content_type,
                width=normalised.width,
                height=normalised.height,
            )
    except IntegrityError:
        return Blob.objects.get(sha256=normalised.sha256)


@transaction.atomic
def photo_update(
    *,
    photo: Photo,
    actor: User,
    caption: str | None = None,
    position: int | None = None,
    expected_version: int | None = None,
) -> Photo:
    """Change a caption and/or move a photo; positions stay dense (0..n-1).

    An edit that changes nothing (the caption it has, the place it is at, or neither given)
    writes nothing, as `real_estate_update`: same version (others' `If-Match` still holds), no
    audit event, no sync change, and a rejected real estate stays rejected. Its preconditions
    (404, 409, 412) still answer."""
    real_estate = real_estate_lock_for_edit(real_estate_id=photo.real_estate_id, actor=actor)
    _ensure_version(real_estate, expected_version)
    locked = Photo.objects.select_for_update().filter(pk=photo.pk, real_estate_id=real_estate.pk).first()
    if locked is None:
        raise errors.PhotoNotFound()  # deleted since the view read it
    photo = locked
    before = audit_snapshot(photo, AUDITED_FIELDS)
    changed = False
    if caption is not None and caption != photo.caption:
        photo.caption = caption
        photo.save(update_fields=["caption"])
        changed = True
    if position is not None:
        ordered = _placed(list(Photo.objects.of_real_estate(real_estate.pk)), {photo.pk: position})
        changed = _renumber(real_estate_id=real_estate.pk, ordered=ordered) or changed
    if changed:
        _photos_changed(real_estate=real_estate, actor=actor, delta=0)
    updated = Photo.objects.with_serializer_data().get(pk=photo.pk)
    changes = audit_diff(before, audit_snapshot(updated, AUDITED_FIELDS))
    if changes:
        action = "photo.reorder" if "position" in changes else "photo.caption"
        audit_record(actor=actor, action=action, target=updated, changes=changes)
    return updated


@transaction.atomic
def photo_move_many(
    *,
    real_estate_id: UUID,
    actor: User,
    positions: Mapping[UUID, int],
    expected_version: int | None = None,
) -> None:
    """Move several photos of a real estate at once (the admin's photo inline): each of `positions`
    (photo id → place from 0) to that very place, the others keeping their order in the places
    left (`_placed`). One write, as `photo_update`'s move of one: positions dense, the count, cover
    and version kept by `_photos_changed`, a `photo.reorder` event for each photo asked to move
    that did; nothing written when none moves. A photo not (or no longer) the real estate's is a
    404, nothing moved."""
    real_estate = real_estate_lock_for_edit(real_estate_id=real_estate_id, actor=actor)
    _ensure_version(real_estate, expected_version)
    photos = list(Photo.objects.of_real_estate(real_estate.pk))
    if not set(positions) <= {photo.pk for photo in photos}:
        raise errors.PhotoNotFound()  # deleted since the caller read it
    before = {photo.pk: audit_snapshot(photo, AUDITED_FIELDS) for photo in photos if photo.pk in positions}
    ordered = _placed(photos, positions)
    if not _renumber(real_estate_id=real_estate.pk, ordered=ordered):
        return
    _photos_changed(real_estate=real_estate, actor=actor, delta=0)
    for index, photo in enumerate(ordered):
        if photo.pk in positions:
            photo.position = index
            changes = audit_diff(before[photo.pk], audit_snapshot(photo, AUDITED_FIELDS))
            if changes:
                audit_record(actor=actor, action="photo.reorder", target=photo, changes=changes)


@transaction.atomic
def photo_delete(*, photo: Photo, actor: User, expected_version: int | None = None) -> None:
    """Remove a photo. Its blob stays (other photos may share it); the collector removes orphans."""
    real_estate = real_estate_lock_for_edit(real_estate_id=photo.real_estate_id, actor=actor)
    _ensure_version(real_estate, expected_version)
    # Audited as it is now, under the lock: the caller read it before (moved or captioned since).
    current = Photo.objects.filter(pk=photo.pk, real_estate_id=real_estate.pk).first()
    if current is None:
        raise errors.PhotoNotFound()  # deleted since the caller read it
    audit_record(
        actor=actor, action="photo.delete", target=current, changes=audit_deleted(current, AUDITED_FIELDS)
    )
    current.delete()
    _renumber(real_estate_id=real_estate.pk, ordered=list(Photo.objects.of_real_estate(real_estate.pk)))
    _photos_changed(real_estate=real_estate, actor=actor, delta=-1)


def _ensure_version(real_estate: RealEstate, expected_version: int | None) -> None:
    """`If-Match`: the version of the real estate its writer last read. Photos are part of it (every
    photo write moves its ETag), so a photo write on a stale read is a 412, as a field edit is."""
    if expected_version is not None and real_estate.version != expected_version:
        raise errors.PreconditionFailed()


def _placed(photos: list[Photo], positions: Mapping[UUID, int]) -> list[Photo]:
    """`photos` (in their order) with each of `positions` (photo id → place from 0) at that place
    and the others in the places left, in their order; a place past the photos is the last. The
    moved ones go in by ascending place, so none is pushed off its place by one placed after it:
    places forming an order (swapped, rotated) are each kept."""
    moved = sorted((p for p in photos if p.pk in positions), key=lambda p: positions[p.pk])
    ordered = [photo for photo in photos if photo.pk not in positions]
    for photo in moved:
        ordered.insert(max(0, min(positions[photo.pk], len(ordered))), photo)
    return ordered


def _renumber(*, real_estate_id: UUID, ordered: list[Photo]) -> bool:
    """Give `ordered` the positions 0..n-1; whether any photo moved.

    (real_estate, position) is unique and checked row by row, so every photo first moves out of
    the way by an offset, then to its final place. At most 30 rows, under the real-estate lock.
    """
    if all(p.position == index for index, p in enumerate(ordered)):
        return False
    Photo.objects.filter(real_estate_id=real_estate_id).update(position=F("position") + _REORDER_OFFSET)
    for index, p in enumerate(ordered):
        Photo.objects.filter(pk=p.pk).update(position=index)
    return True


def _photos_changed(*, real_estate: RealEstate, actor: User, delta: int) -> None:
    # Photos are part of the real estate's representation: its count, cover, version (ETag)
    # and the cached list counts move with them.
    cover = (
        Photo.objects.of_real_estate(real_estate.pk).values_list("blob_id", "blob__thumbnail_256_key").first()
    )
    cover_blob_id, cover_key = cover if cover is not None else (None, None)
    real_estate_photo_count_changed(
        real_estate=real_estate, delta=delta, cover_blob_id=cover_blob_id, cover_key=cover_key
    )
    if cover_blob_id is not None:
        # A thumbnail run (the task, or a rebuild linking new keys over a ready blob's) may commit
        # between our read and our commit, and its copy to the covers would then miss this row:
        # look again once ours is committed (one read when the key is still the one we wrote).
        transaction.on_commit(partial(_copy_cover_thumbnail, cover_blob_id, written=cover_key))
    transaction.on_commit(list_cache.bump_generation)
    # Changing its photos is editing it: the real-estate services own what that does to a
    # rejected one (SPEC §2, docs/architecture.md "Editing rules").
    real_estate_reopen_if_rejected(real_estate=real_estate, actor=actor)


def _copy_cover_thumbnail(blob_id: int, *, written: str | None) -> None:
    """Show a blob's committed 256 px thumbnail, if it has one yet and it is not the key the write
    gave its cover (`written`), on every real estate whose cover it is.

    It runs after the write's commit: a database error here (its statement cancelled behind a
    row held past the timeout, a lost connection) was the client's 503 for a write that is saved
    (retried: a delete's retry is a 404), and the callbacks after it (the list counts'
    invalidation, the thumbnails' task) never ran. Logged instead, and the copy handed to the
    thumbnail task: its run on a `ready` blob copies the key to the covers again, retrying
    database failures on a worker (ADR 0102, addenda)."""
    try:
        key = (
            Blob.objects.filter(pk=blob_id, thumbnail_state=ThumbnailState.READY)
            .values_list("thumbnail_256_key", flat=True)
            .first()
        )
        if key and key != written:
            real_estate_cover_thumbnail_made(blob_id=blob_id, key=key)
    except DatabaseError:
        logger.warning("cover_copy_deferred", blob_id=blob_id, exc_info=True)
        _queue_thumbnails(blob_id)
