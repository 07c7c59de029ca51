"""The photos API: thin views over apps.media.services, scoped by the real estate's visibility."""

from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from apps.core import errors
from apps.core.openapi import error_responses
from apps.core.parsers import JSONParser
from apps.media import services
from apps.media.api import examples
from apps.media.api.parsers import PhotoUploadParser
from apps.media.api.serializers import PhotoSerializer, PhotoUpdateSerializer, PhotoUploadSerializer
from apps.media.models import Photo
from apps.media.throttling import PhotoUploadQuota
from apps.real_estates.api.views import IF_MATCH, expected_version
from apps.real_estates.models import RealEstate
from apps.users.models import User

_COMMON_ERRORS = (errors.NotAuthenticated, errors.RealEstateNotFound)
_WRITE_ERRORS = (
    *_COMMON_ERRORS,
    errors.PermissionDenied,  # an actor deactivated or demoted while the write was in flight (ADR 0016)
    errors.RealEstateNotEditable,
    errors.ValidationError,
    errors.PreconditionFailed,
)


class _PhotoView(APIView):
    def get_real_estate(self, real_estate_id: UUID) -> RealEstate:
        real_estate = RealEstate.objects.visible_to(self.actor).filter(pk=real_estate_id).first()
        if real_estate is None:
            raise errors.RealEstateNotFound()
        return real_estate

    def get_photo(self, real_estate: RealEstate, photo_id: UUID) -> Photo:
        photo = (
            Photo.objects.of_real_estate(real_estate.pk).with_serializer_data().filter(pk=photo_id).first()
        )
        if photo is None:
            raise errors.PhotoNotFound()
        return photo

    @property
    def actor(self) -> User:
        user = self.request.user
        if not isinstance(user, User):  # pragma: no cover - IsAuthenticated ran first
            raise errors.NotAuthenticated()
        return user


class PhotoListView(_PhotoView):
    parser_classes = [PhotoUploadParser]

    def get_throttles(self) -> list[BaseThrottle]:
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(PhotoUploadQuota())  # after the general rate, before the body is read
        return throttles

    @extend_schema(
        operation_id="real_estate_photos_list",
        tags=["photos"],
        summary="Photos of a real estate, by position",
        examples=[examples.PHOTO_LIST],
        responses={200: PhotoSerializer(many=True), **error_responses(*_COMMON_ERRORS)},
    )
    def get(self, request: Request, real_estate_id: UUID) -> Response:
        real_estate = self.get_real_estate(real_estate_id)
        photos = Photo.objects.of_real_estate(real_estate.pk).with_serializer_data()
        return Response(PhotoSerializer(photos, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="real_estate_photos_upload",
        tags=["photos"],
        summary="Upload a photo (multipart `file`, optional `caption`)",
        description=(
            "The type is read from the bytes (JPEG, PNG, WebP); the image is re-encoded upright "
            "without metadata. 201 for a new photo; 200 with the existing photo when these bytes "
            "are already on this real estate."
        ),
        request={"multipart/form-data": PhotoUploadSerializer},
        parameters=[IF_MATCH],
        examples=[examples.UPLOADED, examples.ALREADY_THERE],
        responses={
            201: PhotoSerializer,
            200: OpenApiResponse(PhotoSerializer, description="The same image was already there."),
            **error_responses(
                *_WRITE_ERRORS,
                errors.PhotoFileRequired,
                errors.PhotoTooLarge,
                errors.PhotoUnsupportedType,
                errors.PhotoInvalidImage,
                errors.PhotoTooManyPixels,
                errors.PhotoLimitReached,
                errors.StorageUnavailable,
                errors.PhotoUploadQuotaExceeded,
                errors.ServiceUnavailable,
            ),
        },
    )
    def post(self, request: Request, real_estate_id: UUID) -> Response:
        real_estate = self.get_real_estate(real_estate_id)
        if "file" not in request.data:  # its own code, still naming the field
            required = errors.PhotoFileRequired
            raise required(
                fields={"file": [{"code": required.code, "message": str(required.default_message)}]}
            )
        serializer = PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            result = services.photo_upload(
                real_estate=real_estate,
                actor=self.actor,
                file=upload,
                caption=serializer.validated_data["caption"],
                expected_version=expected_version(request, real_estate),
            )
        finally:
            upload.close()  # deletes the temporary file now, not at garbage collection
        return Response(
            PhotoSerializer(result.photo, context={"request": request}).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class PhotoDetailView(_PhotoView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="real_estate_photos_retrieve",
        tags=["photos"],
        examples=[examples.PHOTO_DETAIL],
        responses={200: PhotoSerializer, **error_responses(*_COMMON_ERRORS, errors.PhotoNotFound)},
    )
    def get(self, request: Request, real_estate_id: UUID, photo_id: UUID) -> Response:
        photo = self.get_photo(self.get_real_estate(real_estate_id), photo_id)
        return Response(PhotoSerializer(photo, context={"request": request}).data)

    @extend_schema(
        operation_id="real_estate_photos_update",
        tags=["photos"],
        summary="Change the caption and/or the position (the others shift; positions stay dense)",
        request=PhotoUpdateSerializer,
        parameters=[IF_MATCH],
        examples=[examples.UPDATE_REQUEST, examples.UPDATED],
        responses={200: PhotoSerializer, **error_responses(*_WRITE_ERRORS, errors.PhotoNotFound)},
    )
    def patch(self, request: Request, real_estate_id: UUID, photo_id: UUID) -> Response:
        real_estate = self.get_real_estate(real_estate_id)
        photo = self.get_photo(real_estate, photo_id)
        serializer = PhotoUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = services.photo_update(
            photo=photo,
            actor=self.actor,
            expected_version=expected_version(request, real_estate),
            **serializer.validated_data,
        )
        return Response(PhotoSerializer(photo, context={"request": request}).data)

    @extend_schema(
        operation_id="real_estate_photos_destroy",
        tags=["photos"],
        parameters=[IF_MATCH],
        responses={204: None, **error_responses(*_WRITE_ERRORS, errors.PhotoNotFound)},
    )
    def delete(self, request: Request, real_estate_id: UUID, photo_id: UUID) -> Response:
        real_estate = self.get_real_estate(real_estate_id)
        photo = self.get_photo(real_estate, photo_id)
        services.photo_delete(
            photo=photo, actor=self.actor, expected_version=expected_version(request, real_estate)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
