"""Factories for media rows (no stored object: for tests about rows and access, not bytes)."""

import hashlib
from typing import Any

import factory
from django.db.models import F
from factory.django import DjangoModelFactory

from apps.media import storage
from apps.media.models import Blob, Photo
from apps.real_estates.models import RealEstate
from tests.real_estates.factories import RealEstateFactory


class BlobFactory(DjangoModelFactory[Blob]):
    class Meta:
        model = Blob

    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"blob-{n}".encode()).hexdigest())
    key = factory.LazyAttribute(lambda o: storage.blob_key(o.sha256, "jpg"))
    size = 1024
    content_type = "image/jpeg"
    width = 640
    height = 480


class PhotoFactory(DjangoModelFactory[Photo]):
    """Keeps the real estate's `photo_count` right, as the upload service does."""

    class Meta:
        model = Photo

    real_estate = factory.SubFactory(RealEstateFactory)
    blob = factory.SubFactory(BlobFactory)
    caption = factory.Faker("sentence", nb_words=4, locale="pt_BR")
    position = factory.LazyAttribute(lambda o: o.real_estate.photos.count())
    uploaded_by = factory.LazyAttribute(lambda o: o.real_estate.collected_by)

    @classmethod
    def _create(cls, model_class: type[Photo], *args: Any, **kwargs: Any) -> Photo:
        photo: Photo = super()._create(model_class, *args, **kwargs)
        RealEstate.objects.filter(pk=photo.real_estate_id).update(photo_count=F("photo_count") + 1)
        return photo
