"""Blobs (stored bytes, addressed by their SHA-256) and photos (a blob placed on a real estate).

A blob row exists only once its object is in storage (the upload writes first, then inserts);
photos PROTECT their blob, and `gc_media` removes blobs no photo references.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.media.querysets import BlobQuerySet, PhotoQuerySet

MAX_PHOTOS_PER_REAL_ESTATE = 30
CAPTION_MAX_LENGTH = 300


class ThumbnailState(models.TextChoices):
    PENDING = "pending", _("Pending")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Blob(models.Model):
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    key = models.CharField(_("storage key"), max_length=255, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=32)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    thumbnail_256_key = models.CharField(_("thumbnail 256 key"), max_length=255, blank=True, default="")
    thumbnail_1024_key = models.CharField(_("thumbnail 1024 key"), max_length=255, blank=True, default="")
    thumbnail_state = models.CharField(
        _("thumbnail state"),
        max_length=16,
        choices=ThumbnailState.choices,
        default=ThumbnailState.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = BlobQuerySet.as_manager()

    class Meta:
        verbose_name = _("blob")
        verbose_name_plural = _("blobs")
        ordering = ["-created_at"]
        indexes = [
            # The collector asks, for each stored rendition, which rows name it (docs/adr/0032).
            models.Index(fields=["thumbnail_256_key"], name="media_blob_thumb256_idx"),
            models.Index(fields=["thumbnail_1024_key"], name="media_blob_thumb1024_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="media_blob_sha256_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(content_type__in=["image/jpeg", "image/png", "image/webp"]),
                name="media_blob_content_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(thumbnail_state__in=ThumbnailState.values),
                name="media_blob_thumbnail_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(width__gte=1, height__gte=1), name="media_blob_dimensions_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.sha256[:12]

    @property
    def thumbnail_keys(self) -> dict[int, str]:
        return {256: self.thumbnail_256_key, 1024: self.thumbnail_1024_key}


class Photo(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    real_estate = models.ForeignKey(
        "real_estates.RealEstate",
        verbose_name=_("real estate"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    blob = models.ForeignKey(Blob, verbose_name=_("blob"), on_delete=models.PROTECT, related_name="photos")
    caption = models.CharField(_("caption"), max_length=CAPTION_MAX_LENGTH, blank=True, default="")
    position = models.PositiveSmallIntegerField(_("position"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["real_estate", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["real_estate", "blob"], name="media_photo_blob_once_per_real_estate"
            ),
            # Not deferrable (SQLite has no such thing): services reorder through an offset, see
            # apps.media.services.photos._renumber.
            models.UniqueConstraint(fields=["real_estate", "position"], name="media_photo_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.real_estate_id}#{self.position}"
