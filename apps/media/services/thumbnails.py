"""The 256 px and 1024 px renditions of a blob, for the `generate_thumbnails` task and
`manage.py rebuild_thumbnails` (ordering rule: the package docstring)."""

from collections.abc import Collection, Iterable, Iterator
from itertools import batched
from typing import Final

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from apps.core import errors
from apps.core.locks import lock_keys
from apps.media import images, storage
from apps.media.decoding import decode_slot
from apps.media.models import Blob, ThumbnailState
from apps.real_estates.services import real_estate_cover_thumbnail_made

logger = structlog.get_logger(__name__)


def blob_generate_thumbnails(*, blob_id: int, force: bool = False) -> Blob | None:
    """Derive the 256 px and 1024 px WebP renditions of a blob. Idempotent.

    Renditions are content-addressed too: written first (no transaction), then linked under the
    key locks, after checking they are still there (written again when the collector took one
    meanwhile). A blob that can never have them (its object
    is gone, or its bytes do not decode within the budget) is marked `failed` and returned; a
    storage failure, which may pass, raises `StorageUnavailable` (and a busy process
    `ServiceUnavailable`) for the caller to retry, leaving the blob as it was.
    """
    blob: Blob | None = Blob.objects.filter(pk=blob_id).first()
    if blob is None:
        return None
    if blob.thumbnail_state == ThumbnailState.READY and not force:
        # A run retried after its renditions were linked (the covers' copy failed): copy it again.
        real_estate_cover_thumbnail_made(blob_id=blob_id, key=blob.thumbnail_256_key)
        return blob
    if not storage.object_exists(blob.key):
        logger.error("thumbnail_failed", blob_id=blob_id, reason="object_missing")
        return _failed(blob)
    original = storage.read_object(blob.key)
    try:
        with decode_slot():
            renditions = images.thumbnails(original, max_decode_bytes=settings.MEDIA_DECODE_MAX_BYTES)
    except (errors.PhotoInvalidImage, errors.PhotoUnsupportedType, errors.PhotoTooManyPixels, ValueError):
        logger.exception("thumbnail_failed", blob_id=blob_id, reason="undecodable")
        return _failed(blob)
    del original
    keys = {size: storage.thumbnail_key(images.sha256_hex(data)) for size, data in renditions.items()}
    for _attempt in range(_LINK_ATTEMPTS):
        for size, data in renditions.items():
            storage.put_object(keys[size], data)  # leaves an object of the same size as it is
        try:
            linked = _link_renditions(blob_id=blob_id, key=blob.key, keys=keys)
        except _RenditionVanished:
            continue
        break
    else:  # pragma: no cover - needs the collector to win three races in a row
        raise errors.StorageUnavailable()  # the task's retry writes them again
    if linked is None:
        return None  # collected meanwhile; the renditions are orphans the gc will take
    # Outside the blob's lock: a photo service holds a real estate's lock while it reads a
    # blob, so updating real estates under the blob's lock could deadlock with it.
    real_estate_cover_thumbnail_made(blob_id=blob_id, key=keys[256])
    return linked


_LINK_ATTEMPTS: Final = 3


class _RenditionVanished(Exception):
    """A rendition's object was collected between our write and our link: write it again."""


@transaction.atomic
def _link_renditions(*, blob_id: int, key: str, keys: dict[int, str]) -> Blob | None:
    """Name the renditions on the blob, under the key locks, if their objects are still there: a
    write that found an object of the same size left it as it was, and the collector may have
    deleted that one (old, named by no row) before this lock: then they are written again, as
    an upload whose object was collected writes it again. None: the blob was collected."""
    lock_keys(key, *keys.values())
    blob = Blob.objects.select_for_update().filter(pk=blob_id).first()
    if blob is None:
        return None
    if not all(storage.object_exists(rendition) for rendition in keys.values()):
        raise _RenditionVanished()
    blob.thumbnail_256_key = keys[256]
    blob.thumbnail_1024_key = keys[1024]
    blob.thumbnail_state = ThumbnailState.READY
    blob.save(update_fields=["thumbnail_256_key", "thumbnail_1024_key", "thumbnail_state"])
    return blob


RENDITION_BATCH: Final = 500
"""Stored renditions matched to rows in one statement (two index lookups of as many keys each)."""


class BlobIds(Collection[int]):
    """A set of blob ids, one bit each, iterated in ascending order: the largest id over eight
    bytes (2M blobs: 250 KB), where a set of ids or of keys takes ~60 or ~150 bytes an element."""

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._bits = bytearray()
        self._count = 0
        for blob_id in ids:
            self.add(blob_id)

    def add(self, blob_id: int) -> None:
        byte, mask = blob_id >> 3, 1 << (blob_id & 7)
        if byte >= len(self._bits):
            self._bits.extend(bytes(byte + 1 - len(self._bits)))
        if not self._bits[byte] & mask:
            self._bits[byte] |= mask
            self._count += 1

    def __contains__(self, blob_id: object) -> bool:
        if not isinstance(blob_id, int) or blob_id < 0 or blob_id >> 3 >= len(self._bits):
            return False
        return bool(self._bits[blob_id >> 3] & 1 << (blob_id & 7))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        for byte, bits in enumerate(self._bits):
            if bits:
                yield from (byte << 3 | bit for bit in range(8) if bits & 1 << bit)


def blobs_missing_renditions(
    blobs: QuerySet[Blob] | None = None, *, batch_size: int = RENDITION_BATCH
) -> BlobIds:
    """The blobs (all, or among `blobs`: the admin's selection) whose renditions are to be made,
    by id: not `ready`, or `ready` with a rendition object gone from storage (lost, or restored
    from an older copy). Listings, not a HEAD per key (a HEAD cannot tell a lost object from a
    bucket that is not there): of the thumbnail prefix for all of them; for a selection, of the
    directories its ready blobs' renditions are in (`thumbs/sha256/ab/cd/`), none when it has no
    ready one. A storage that cannot be listed raises `StorageUnavailable`.

    In bounded memory at any size: the listing goes by `batch_size` files at a time, each batch
    matched to the rows naming them in one statement, and what is kept is a bit per blob for
    each rendition seen stored; then the rows, read as a stream, are checked against those bits.
    """
    # The admin's selection comes annotated (reference counts): only its ids are read.
    scope = Blob.objects.all() if blobs is None else Blob.objects.filter(pk__in=blobs.values("pk"))
    if blobs is None:
        prefixes: tuple[str, ...] = (storage.THUMBNAIL_PREFIX,)
    else:
        ready = scope.filter(thumbnail_state=ThumbnailState.READY).order_by()
        prefixes = tuple(
            sorted(
                {
                    key.rpartition("/")[0] + "/"
                    for keys in ready.values_list("thumbnail_256_key", "thumbnail_1024_key").iterator()
                    for key in keys
                }
            )
        )
    stored_256, stored_1024 = BlobIds(), BlobIds()
    for batch in batched(storage.iter_objects(prefixes=prefixes), batch_size, strict=False):
        keys = {stored.key for stored in batch}
        for blob_id, key_256, key_1024 in scope.renditions_among(keys):
            if key_256 in keys:
                stored_256.add(blob_id)
            if key_1024 in keys:
                stored_1024.add(blob_id)
    rows = scope.order_by("pk").values_list("pk", "thumbnail_state")
    return BlobIds(
        blob_id
        for blob_id, state in rows.iterator()
        if state != ThumbnailState.READY or blob_id not in stored_256 or blob_id not in stored_1024
    )


def blob_thumbnails_failed(*, blob_id: int) -> None:
    """Give up on a blob's renditions (the task's retries are spent): `failed`, shown in the admin,
    which (like `manage.py rebuild_thumbnails`) can start them again. Never downgrades renditions
    a concurrent run has just linked."""
    Blob.objects.filter(pk=blob_id).exclude(thumbnail_state=ThumbnailState.READY).update(
        thumbnail_state=ThumbnailState.FAILED
    )


def _failed(blob: Blob) -> Blob | None:
    """Mark the blob `failed`; the row as it is now: None once the collector took it (its object
    found missing because the collector deleted it, in a transaction committing meanwhile)."""
    blob_thumbnails_failed(blob_id=blob.pk)
    return Blob.objects.filter(pk=blob.pk).first()
