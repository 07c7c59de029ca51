"""Reads of the media app: photos in a real estate's order, blobs with their reference counts."""

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q

if TYPE_CHECKING:
    from apps.media.models import Blob, Photo
    from apps.real_estates.models import RealEstate


# A photo's columns as a real-estate detail reads them beside its row (`photos__<column>`), blob
# and uploader joined; `PhotoSerializer` declares the shape they are rendered in.
PHOTO_COLUMNS: tuple[str, ...] = (
    "id",
    "caption",
    "position",
    "created_at",
    "blob__key",
    "blob__width",
    "blob__height",
    "blob__content_type",
    "blob__size",
    "blob__sha256",
    "blob__thumbnail_256_key",
    "blob__thumbnail_1024_key",
    "uploaded_by_id",
    "uploaded_by__name",
)


class BlobQuerySet(models.QuerySet["Blob"]):
    def with_reference_count(self) -> "BlobQuerySet":
        return self.annotate(reference_count=Count("photos"))

    def orphaned(self) -> "BlobQuerySet":
        return self.exclude(Exists(self._photos()))

    def created_before(self, moment: datetime) -> "BlobQuerySet":
        return self.filter(created_at__lt=moment)

    def with_thumbnail_key(self, key: str) -> "BlobQuerySet":
        return self.filter(Q(thumbnail_256_key=key) | Q(thumbnail_1024_key=key))

    def known_keys(self, keys: Collection[str]) -> set[str]:
        """Which of `keys` a row names, as its object or as a rendition: one statement, each
        column through its index (the collector's batch of stored files)."""
        rows = (
            self.filter(Q(key__in=keys) | Q(thumbnail_256_key__in=keys) | Q(thumbnail_1024_key__in=keys))
            .order_by()
            .values_list("key", "thumbnail_256_key", "thumbnail_1024_key")
        )
        return {key for row in rows for key in row if key in keys}

    def renditions_among(self, keys: Collection[str]) -> "models.QuerySet[Blob, tuple[int, str, str]]":
        """(id, 256 px key, 1024 px key) of the blobs with a rendition among `keys`: one
        statement, each column through its index (`rebuild_thumbnails`' batch of stored files)."""
        return (
            self.filter(Q(thumbnail_256_key__in=keys) | Q(thumbnail_1024_key__in=keys))
            .order_by()
            .values_list("pk", "thumbnail_256_key", "thumbnail_1024_key")
        )

    @staticmethod
    def stale_covers() -> "models.QuerySet[RealEstate, tuple[int, str, str | None]]":
        """(blob id, its 256 px key, the other key a cover shows), once each, for the real estates
        whose cover is a blob and shows another key than the blob's: a key a rebuild replaced, or
        none (`""`) where the blob has one (a copy to the covers not landed yet, or deferred and
        lost: ADR 0118). One pass over the real estates with a cover, joined to their blob by
        its primary key: the collector's, once a run."""
        from apps.real_estates.models import RealEstate

        return (
            RealEstate.objects.filter(cover_blob__isnull=False, cover_key__isnull=False)
            .exclude(cover_key=F("cover_blob__thumbnail_256_key"))
            .order_by()
            .values_list("cover_blob_id", "cover_blob__thumbnail_256_key", "cover_key")
            .distinct()
        )

    @staticmethod
    def _photos() -> "models.QuerySet[Photo]":
        from apps.media.models import Blob, Photo  # noqa: F401  (string annotations)

        return Photo.objects.filter(blob=OuterRef("pk"))


class PhotoQuerySet(models.QuerySet["Photo"]):
    def with_serializer_data(self) -> "PhotoQuerySet":
        return self.select_related("blob", "uploaded_by")

    def of_real_estate(self, real_estate_id: UUID) -> "PhotoQuerySet":
        return self.filter(real_estate_id=real_estate_id).order_by("position")
