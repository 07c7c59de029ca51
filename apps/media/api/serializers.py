"""Shapes of the photos API: the photo as clients see it, and what they may send."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core import errors
from apps.core.fields import WholeNumberField, catalog_detail
from apps.core.serializers import InputTextField, StrictInputSerializer
from apps.media import storage
from apps.media.models import CAPTION_MAX_LENGTH, MAX_PHOTOS_PER_REAL_ESTATE, Blob, Photo


def media_url(key: str | None) -> str | None:
    """A site-relative signed link (`/media/…`) on every backend (docs/adr/0083)."""
    return storage.object_url(key) if key else None


@extend_schema_field(OpenApiTypes.URI_REF)
class MediaLinkField(serializers.CharField):
    """A media link: site-relative and signed (`/media/…`); on S3 it redirects to a presigned URL."""


class UploaderSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class ThumbnailsSerializer(serializers.Serializer[Any]):
    """Schema only. Keys are pixel sizes (not identifiers, hence get_fields); null until ready."""

    def get_fields(self) -> dict[str, Any]:
        return {
            "256": MediaLinkField(allow_null=True, help_text="Longest side 256 px, WebP."),
            "1024": MediaLinkField(allow_null=True, help_text="Longest side 1024 px, WebP."),
        }


class PhotoSerializer(serializers.ModelSerializer[Photo]):
    url = serializers.SerializerMethodField(
        help_text="Expiring link to the stored (normalised) image, `/media/…` (on S3 it redirects)."
    )
    width = serializers.IntegerField(source="blob.width", read_only=True)
    height = serializers.IntegerField(source="blob.height", read_only=True)
    content_type = serializers.CharField(source="blob.content_type", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True, help_text="Bytes.")
    sha256 = serializers.CharField(source="blob.sha256", read_only=True)
    thumbnails = serializers.SerializerMethodField()
    uploaded_by = UploaderSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Photo
        fields = [
            "id", "url", "caption", "position", "width", "height", "content_type", "size", "sha256",
            "thumbnails", "uploaded_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
        # The model's names and help are the admin's, in the browser's language; the API's stay
        # English in every language (a label that is the field's own name adds no schema title).
        extra_kwargs = {
            name: {"label": name.replace("_", " ")} for name in ("caption", "position", "created_at")
        }

    @extend_schema_field(OpenApiTypes.URI_REF)
    def get_url(self, photo: Photo) -> str:
        return storage.object_url(photo.blob.key)

    @extend_schema_field(ThumbnailsSerializer)
    def get_thumbnails(self, photo: Photo) -> dict[str, str | None]:
        return thumbnail_urls(photo.blob)


def thumbnail_urls(blob: Blob) -> dict[str, str | None]:
    return {str(size): media_url(key) for size, key in blob.thumbnail_keys.items()}


class PhotoUploadSerializer(StrictInputSerializer):
    """Rejects unknown and read-only fields with FIELD_NOT_ALLOWED, and a field sent twice (two
    files, two captions: one photo a request) with PARAMETER_REPEATED, naming each one."""

    file = serializers.FileField(
        allow_empty_file=True, help_text="JPEG, PNG or WebP; the type is read from the bytes."
    )
    caption = InputTextField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, default="", trim_whitespace=True
    )

    def to_internal_value(self, data: Any) -> Any:
        getlist = getattr(data, "getlist", None)
        repeated = [name for name, _ in self.fields.items() if getlist and len(getlist(name)) > 1]
        if repeated:
            detail = catalog_detail(errors.PARAMETER_REPEATED)
            raise serializers.ValidationError({name: [detail] for name in repeated})
        return super().to_internal_value(data)


class PhotoUpdateSerializer(StrictInputSerializer):
    caption = InputTextField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=True
    )
    position = WholeNumberField(
        required=False,
        min_value=0,
        max_value=MAX_PHOTOS_PER_REAL_ESTATE - 1,
        help_text="New 0-based place; the others shift so positions stay 0..n-1. Past the end means last.",
    )
