"""Factories for media, made the way the media services make them.

`PhotoFactory` uploads a small PNG (a different one each time) to a draft through `photo_upload`,
as its collector, then derives the blob's thumbnails with `blob_generate_thumbnails`, as the
worker would (`thumbnails=False`: left pending, as before the worker ran). So the blob is
content-addressed and stored, and the real estate's `photo_count`, cover, `version`, history and
audit events are what the services leave. `PhotoFactory(blob=...)` places a blob that is already
stored (its object written by the test) the way the upload links one.

`BlobFactory` is what an upload leaves before linking: the normalised image stored under its
content address and its row, thumbnails pending (`thumbnails=True`: made). Passing `key` (and
the other columns) describes an object the test stored itself.
"""

import io
from typing import Any

import factory
from django.conf import settings
from django.db import transaction
from factory.django import DjangoModelFactory
from PIL import Image

from apps.audit.services import audit_created, audit_record
from apps.media import images, services, storage
from apps.media.models import Blob, Photo
from apps.real_estates import list_cache
from apps.real_estates.models import RealEstate
from apps.real_estates.services import (
    real_estate_lock_for_edit,
    real_estate_photo_count_changed,
    real_estate_reopen_if_rejected,
)
from tests.real_estates.factories import RealEstateFactory


def png(n: int) -> bytes:
    """An 8x8 PNG of its own colour for every `n` below 2**24 (lossless: never the same bytes)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF)).save(out, format="PNG")
    return out.getvalue()


def _normalised(image: bytes) -> images.NormalisedImage:
    return images.normalise(
        io.BytesIO(image),
        max_pixels=settings.MEDIA_MAX_PIXELS,
        max_decode_bytes=settings.MEDIA_DECODE_MAX_BYTES,
    )


class BlobFactory(DjangoModelFactory[Blob]):
    class Meta:
        model = Blob

    image = factory.Sequence(png)
    normalised = factory.LazyAttribute(lambda o: _normalised(o.image))
    sha256 = factory.LazyAttribute(lambda o: o.normalised.sha256)
    key = factory.LazyAttribute(lambda o: storage.blob_key(o.normalised.sha256, o.normalised.extension))
    size = factory.LazyAttribute(lambda o: len(o.normalised.data))
    content_type = factory.LazyAttribute(lambda o: o.normalised.content_type)
    width = factory.LazyAttribute(lambda o: o.normalised.width)
    height = factory.LazyAttribute(lambda o: o.normalised.height)
    thumbnails = False

    @classmethod
    def _create(cls, model_class: type[Blob], *args: Any, **kwargs: Any) -> Blob:
        del kwargs["image"]
        normalised: images.NormalisedImage = kwargs.pop("normalised")
        thumbnails: bool = kwargs.pop("thumbnails")
        if kwargs["key"] == storage.blob_key(normalised.sha256, normalised.extension):
            storage.put_object(kwargs["key"], normalised.data)  # the upload writes before it inserts
        blob: Blob = super()._create(model_class, *args, **kwargs)
        if thumbnails:
            services.blob_generate_thumbnails(blob_id=blob.pk)
            blob.refresh_from_db()
        return blob


class PhotoFactory(DjangoModelFactory[Photo]):
    class Meta:
        model = Photo

    real_estate = factory.SubFactory(RealEstateFactory)
    image = factory.Sequence(png)
    blob = None
    caption = factory.Faker("sentence", nb_words=4, locale="pt_BR")
    uploaded_by = factory.LazyAttribute(lambda o: o.real_estate.collected_by)
    thumbnails = True

    @classmethod
    def _create(cls, model_class: type[Photo], *args: Any, **kwargs: Any) -> Photo:
        real_estate: RealEstate = kwargs["real_estate"]
        if kwargs["blob"] is not None:
            return _link(**kwargs)
        result = services.photo_upload(
            real_estate=real_estate,
            actor=kwargs["uploaded_by"],
            file=io.BytesIO(kwargs["image"]),
            caption=kwargs["caption"],
        )
        assert result.created, "this image is already on this real estate"
        if kwargs["thumbnails"]:
            services.blob_generate_thumbnails(blob_id=result.photo.blob_id)
        real_estate.refresh_from_db()
        return Photo.objects.get(pk=result.photo.pk)


def _link(*, real_estate: RealEstate, blob: Blob, caption: str, uploaded_by: Any, **_: Any) -> Photo:
    """What the upload's link step writes for a blob already stored: the photo last, the real
    estate's count, cover and version, the audit event."""
    assert storage.object_exists(blob.key), "a blob row exists only once its object is stored"
    with transaction.atomic():
        locked = real_estate_lock_for_edit(real_estate_id=real_estate.pk, actor=uploaded_by)
        position = Photo.objects.filter(real_estate_id=locked.pk).count()
        photo = Photo.objects.create(
            real_estate=locked, blob=blob, caption=caption, position=position, uploaded_by=uploaded_by
        )
        first = Photo.objects.of_real_estate(locked.pk).values_list("blob_id", "blob__thumbnail_256_key")
        cover_blob_id, cover_key = first[0]
        real_estate_photo_count_changed(
            real_estate=locked, delta=1, cover_blob_id=cover_blob_id, cover_key=cover_key
        )
        transaction.on_commit(list_cache.bump_generation)
        real_estate_reopen_if_rejected(real_estate=locked, actor=uploaded_by)
        changes = audit_created(photo, services.photos.AUDITED_FIELDS)
        audit_record(actor=uploaded_by, action="photo.add", target=photo, changes=changes)
    real_estate.refresh_from_db()
    return photo
