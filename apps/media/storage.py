"""Where blobs live: canonical keys, writes, listings and expiring URLs, on local disk or S3.

Everything goes through Django's default storage (settings.STORAGES["default"]), so the local
filesystem and S3 (django-storages + boto3, any S3-compatible endpoint) share one code path.
Storage failures become `StorageUnavailable` (503) here, once.
"""

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

import orjson
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.urls import reverse

from apps.core import errors
from apps.media.images import CONTENT_TYPE_BY_EXTENSION

BLOB_PREFIX: Final = "blobs/sha256/"
THUMBNAIL_PREFIX: Final = "thumbs/sha256/"
PREFIXES: Final = (BLOB_PREFIX, THUMBNAIL_PREFIX)
LINK_SALT: Final = "apps.media.link"

# What a storage backend raises when the disk or the bucket fails (other apps' writes use it too).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    modified_at: datetime


def blob_key(sha256: str, extension: str) -> str:
    """`blobs/sha256/ab/cd/abcd….jpg`: two fan-out levels keep directories and prefixes small."""
    return f"{BLOB_PREFIX}{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def thumbnail_key(sha256: str) -> str:
    return f"{THUMBNAIL_PREFIX}{sha256[:2]}/{sha256[2:4]}/{sha256}.webp"


def content_type_for(key: str) -> str:
    return CONTENT_TYPE_BY_EXTENSION.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def media_storage() -> Storage:
    return storages["default"]


def _guarded[T](operation: Callable[[], T]) -> T:
    try:
        return operation()
    except STORAGE_ERRORS as exc:
        raise errors.StorageUnavailable() from exc


def put_object(key: str, data: bytes) -> None:
    """Store `data` at `key` unless an object of the same size is already there.

    Keys are content addresses, so an existing object of the right size holds these bytes; one
    of another size is a leftover of an interrupted write and is replaced.
    """
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        _guarded(lambda: _put_local(Path(storage.path(key)), data))
        return

    def write() -> None:
        if storage.exists(key):
            if storage.size(key) == len(data):
                return
            storage.delete(key)
        content = ContentFile(data)
        content.content_type = content_type_for(key)  # type: ignore[attr-defined]  # read by S3Storage
        saved = storage.save(key, content)
        if saved != key:
            # Local storage never overwrites: a parallel upload of the same bytes won the race and
            # the canonical object already holds them. Drop our copy under its alternative name.
            storage.delete(saved)

    _guarded(write)


def _put_local(path: Path, data: bytes) -> None:
    """Parallel uploads of the same bytes both succeed (`_replace_whole`; an S3 PUT is atomic by
    itself). A temporary file left by a crash is an unreferenced object the gc removes."""
    if path.is_file() and path.stat().st_size == len(data):
        return
    _replace_whole(path, (data,))


def save_whole(key: str, chunks: Iterable[bytes]) -> int:
    """Store the bytes `chunks` yields (an export's CSV, a chunk at a time) at `key`, replacing
    what is there; answers their size. `key` holds the previous object, or none, until the last
    chunk is in, then the whole new one: never a part. When `chunks` raises (the rows' cursor
    failed) or the storage fails, nothing is left behind and the previous object stays.

    Local disk: written beside the key under a hidden temporary name, renamed over it at the end
    (`FileSystemStorage.save` would write in place, under the final name). S3: spooled to an
    anonymous temporary file, then stored by `Storage.save` in one PUT, or above boto3's multipart
    threshold in parts that S3 shows as an object only once completed (s3transfer aborts the
    upload when a part fails; ours overwrites, `file_overwrite=True`: an S3 storage configured
    not to would have the key deleted before the save, and a failed save would then lose the
    previous object). A storage failure, the spool's disk included, is `StorageUnavailable`; what
    `chunks` raises reaches the caller as it is.
    """
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        return _guarded(lambda: _replace_whole(Path(storage.path(key)), chunks))

    def upload() -> int:
        with tempfile.TemporaryFile() as spool:
            for chunk in chunks:
                spool.write(chunk)
            size = spool.tell()
            if storage.get_available_name(key) != key:  # a storage told not to overwrite
                storage.delete(key)
            storage.save(key, File(spool, name=key))
        return size

    return _guarded(upload)


def _replace_whole(path: Path, chunks: Iterable[bytes]) -> int:
    """Write `chunks` beside `path`, then rename over it: the rename is atomic, so the file at
    `path` is always a whole one. The temporary (`.partial-<random>-<name>`) is removed when
    writing fails; only a process killed meanwhile leaves it (the media gc, the exports' purge)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=".partial-", suffix=f"-{path.name}", delete_on_close=False
    ) as handle:
        for chunk in chunks:
            handle.write(chunk)
        size = handle.tell()
        handle.close()
        # NamedTemporaryFile creates 0600; stored files get the mode Django gives uploads.
        os.chmod(handle.name, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        os.replace(handle.name, path)  # leaving the block then finds no temporary to remove
    return size


def object_exists(key: str) -> bool:
    storage = media_storage()
    return _guarded(lambda: storage.exists(key))


def delete_object(key: str) -> None:
    storage = media_storage()
    _guarded(lambda: storage.delete(key))


def object_size(key: str) -> int:
    """Size in bytes, 0 when the object is already gone."""
    storage = media_storage()
    return _guarded(lambda: storage.size(key) if storage.exists(key) else 0)


def read_object(key: str) -> bytes:
    storage = media_storage()

    def read() -> bytes:
        with storage.open(key, "rb") as handle:
            data: bytes = handle.read()
        return data

    return _guarded(read)


def modified_at(key: str) -> datetime:
    storage = media_storage()
    return _guarded(lambda: storage.get_modified_time(key))


def iter_objects(prefixes: tuple[str, ...] = PREFIXES) -> Iterator[StoredObject]:
    """Every object under `prefixes` (the blob and thumbnail ones), with its size and modification
    time, as it is listed: on S3 a page of the listing at a time, never the whole of it in memory."""
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        yield from _iter_local(Path(storage.location), prefixes)
        return
    bucket: Any = storage.bucket  # type: ignore[attr-defined]
    for prefix in prefixes:
        # A page (S3's 1000 keys) at a time, each request guarded: the collector and
        # `rebuild_thumbnails` walk millions of keys on a worker whose memory is bounded.
        pages = iter(bucket.objects.filter(Prefix=prefix).pages())
        while (page := _guarded(lambda: next(pages, None))) is not None:  # noqa: B023
            for summary in page:
                yield StoredObject(key=summary.key, size=summary.size, modified_at=summary.last_modified)


def _iter_local(root: Path, prefixes: tuple[str, ...]) -> Iterator[StoredObject]:
    for prefix in prefixes:
        base = root / prefix
        if not base.is_dir():
            continue
        for entry in _walk(base):
            stat = entry.stat()
            yield StoredObject(
                key=Path(entry.path).relative_to(root).as_posix(),
                size=stat.st_size,
                modified_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
            )


def _walk(directory: Path) -> Iterator[os.DirEntry[str]]:
    """The files under `directory`, by name, each directory read when the walk reaches it: one
    directory's entries in memory at a time (`thumbs/sha256/ab/cd/`: a few dozen), not the tree."""
    with os.scandir(directory) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file(follow_symlinks=False):
            yield entry


def object_url(key: str) -> str:
    """An expiring link to `key` on every backend: our signed token, served by
    `apps.media.views` (the file on local storage; on S3 a redirect to a URL presigned when the
    link is opened, docs/adr/0083)."""
    token = signing.TimestampSigner(salt=LINK_SALT).sign_object(key)
    return reverse("media-file", kwargs={"token": token})


def presigned_url(key: str) -> str:
    """S3: a URL of `key` presigned for MEDIA_URL_EXPIRY_SECONDS (django-storages' `url`)."""
    storage = media_storage()
    return _guarded(lambda: storage.url(key))


def is_local() -> bool:
    """Whether the media live on this host's disk (else on S3, served by presigned URLs)."""
    return isinstance(media_storage(), FileSystemStorage)


class _KeyJSON:
    """`signing.JSONSerializer`'s bytes for a key (an ASCII path), without the JSON encoder the
    standard library builds per call; `sign_object` takes it through its `serializer` argument
    and the link still opens with the default serializer."""

    def dumps(self, obj: str) -> bytes:
        return orjson.dumps(obj) if obj.isascii() else signing.JSONSerializer().dumps(obj)

    def loads(self, data: bytes) -> Any:
        return orjson.loads(data)


class _BatchSigner(signing.TimestampSigner):
    """A `TimestampSigner` whose tokens all carry the second it was made in (its public
    `timestamp()`, read once): a batch's links are made within milliseconds, and each is the
    token `object_url` would have made in that second."""

    def __init__(self, *, salt: str) -> None:
        super().__init__(salt=salt)
        self.stamp = super().timestamp()

    def timestamp(self) -> str:
        return self.stamp


def object_urls() -> Callable[[str], str]:
    """`object_url` for many keys (a page, an export): the same links, byte for byte.

    The signer is made once, stamped once, and the route reversed once around a probe token; each
    link is then the token between the route's two ends (a token is URL-safe base64, `:` and
    base62, which `reverse` leaves as it is). Measured in docs/adr/0055 and the addenda to 0080
    (21 -> 5 -> 4 us a link)."""
    signer = _BatchSigner(salt=LINK_SALT)
    probe = signer.sign_object("")
    before, _, after = reverse("media-file", kwargs={"token": probe}).partition(probe)  # our route keeps it
    sign = signer.sign_object
    return lambda key: before + sign(key, serializer=_KeyJSON) + after


def key_from_token(token: str) -> str:
    """The key a link points at; raises MediaLinkInvalid when tampered with or expired."""
    try:
        key = signing.TimestampSigner(salt=LINK_SALT).unsign_object(
            token, max_age=settings.MEDIA_URL_EXPIRY_SECONDS
        )
    except signing.BadSignature as exc:  # SignatureExpired included
        raise errors.MediaLinkInvalid() from exc
    if not isinstance(key, str) or not key.startswith(PREFIXES) or ".." in key:
        raise errors.MediaLinkInvalid()
    return key
