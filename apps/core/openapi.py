"""OpenAPI helpers: the error envelope as a schema, and per-endpoint error responses."""

from collections import defaultdict

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from apps.core import errors

ErrorEnvelopeSerializer = inline_serializer(
    name="ErrorEnvelope",
    fields={
        "error": inline_serializer(
            name="Error",
            fields={
                "code": serializers.CharField(help_text="Stable code from the error catalog."),
                "message": serializers.CharField(help_text="Human message in the request's language."),
                "fields": serializers.DictField(
                    required=False, help_text="Only for VALIDATION_ERROR: field → [{code, message}]."
                ),
                "request_id": serializers.CharField(),
            },
        )
    },
)


def error_responses(*error_classes: type[errors.ApiError]) -> dict[int, OpenApiResponse]:
    """`@extend_schema(responses={200: X, **error_responses(errors.NotFound, ...)})`."""
    by_status: dict[int, list[type[errors.ApiError]]] = defaultdict(list)
    for error_class in error_classes:
        by_status[error_class.status_code].append(error_class)
    return {
        status: OpenApiResponse(
            response=ErrorEnvelopeSerializer,
            description=", ".join(f"`{cls.code}`" for cls in classes),
            examples=[
                OpenApiExample(
                    cls.code,
                    value={
                        "error": {"code": cls.code, "message": str(cls.default_message), "request_id": "…"}
                    },
                    response_only=True,
                    status_codes=[str(status)],
                )
                for cls in classes
            ],
        )
        for status, classes in sorted(by_status.items())
    }
