"""Request and response examples of the photos API, for the OpenAPI schema.

Links are shaped as `storage.object_url` signs them (a `…` in one is no `uri-reference`, and
tests/contract/test_schema_examples.py validates every example).
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample

UPLOADER = {"id": "5f1e2d3c-4b5a-4968-8776-655443322110", "name": "Ana Souza"}
COVER = (
    "/media/InRodW1icy9zaGEyNTYvYWIvY2QvYWJjZDEyMzQud2VicCI:1xZjXD:"
    "gKi13KZzFpQffYE08zQXxCKDwcsQM6N_mdMbzyPXSf4"
)
IMAGE = (
    "/media/ImJsb2JzL3NoYTI1Ni9hYi9jZC9hYmNkMTIzNC5qcGci:1xZjXD:h3Jm0bS9d1nYq0uVwR2k4sT7cA8eF5gH6iJ9kL0mN1o"
)
LARGE = (
    "/media/InRodW1icy9zaGEyNTYvMTIvMzQvMTIzNGFiY2Qud2VicCI:1xZjXD:"
    "pQ4rS5tU6vW7xY8zA9bC0dE1fG2hI3jK4lM5nO6pQ7r"
)
PHOTO: dict[str, Any] = {
    "id": "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e",
    "url": IMAGE,
    "caption": "Fachada",
    "position": 0,
    "width": 1600,
    "height": 1200,
    "content_type": "image/jpeg",
    "size": 284913,
    "sha256": "abcd1234" + "0" * 56,
    "thumbnails": {"256": COVER, "1024": LARGE},
    "uploaded_by": UPLOADER,
    "created_at": "2026-11-30T12:05:00Z",
}

# One photo: drf-spectacular wraps it in the list.
PHOTO_LIST = OpenApiExample("One photo", value=PHOTO, response_only=True, status_codes=["200"])
UPLOADED = OpenApiExample(
    "A new photo (its thumbnails still being made)",
    value={**PHOTO, "thumbnails": {"256": None, "1024": None}},
    response_only=True,
    status_codes=["201"],
)
ALREADY_THERE = OpenApiExample(
    "The same image, already on this real estate", value=PHOTO, response_only=True, status_codes=["200"]
)
PHOTO_DETAIL = OpenApiExample("A photo", value=PHOTO, response_only=True, status_codes=["200"])
UPDATE_REQUEST = OpenApiExample(
    "Make it the cover, with a caption",
    value={"caption": "Fachada, de dia", "position": 0},
    request_only=True,
)
UPDATED = OpenApiExample(
    "Captioned, first",
    value={**PHOTO, "caption": "Fachada, de dia"},
    response_only=True,
    status_codes=["200"],
)
