"""GET /api/v1/sync/real-estates: an offline client's incremental sync (docs/adr/0080)."""

from typing import Any

import orjson
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import errors
from apps.core.filters import refuse_empty
from apps.core.openapi import error_responses
from apps.sync import feed
from apps.sync.api.serializers import SyncPageSerializer, SyncQuerySerializer, cursor_invalid, render_changes
from apps.sync.cursor import CursorInvalid

_ITEM = {
    "id": "3f0c2a4e-8a59-4c1b-9d51-2b8e7f1c6a10",
    "title": "Casa com quintal na Vila Madalena",
    "kind": "house",
    "purpose": "sale",
    "status": "submitted",
    "price": "850000.00",
    "area_m2": "140.00",
    "bedrooms": 3,
    "city": "São Paulo",
    "state": "SP",
    "collected_by": {"id": "b7e2d0c4-1f3a-4e5b-8c6d-9a0b1c2d3e4f", "name": "Maria Souza"},
    "photo_count": 4,
    "cover": "/media/InRodW1icy9zaGEyNTYvYWIvY2QvYWJjZDEyMzQud2VicCI:1xZjXD:"
    "gKi13KZzFpQffYE08zQXxCKDwcsQM6N_mdMbzyPXSf4",
    "created_at": "2026-11-30T13:02:11.482Z",
    "updated_at": "2026-12-01T09:45:03.117Z",
    "version": 7,
}
_CURSOR = "eJyrVipTslIyNDAwsFTSUSpWsjI0NjA0MDIzNTKxNDU3MTFSqgUA…:1v2xYz:Q2k9…"

EXAMPLES = [
    OpenApiExample(
        "A page of changes",
        value={
            "results": [_ITEM, {"id": "9d4f6b1e-2c3a-4b5d-8e7f-0a1b2c3d4e5f", "deleted": True}],
            "next_cursor": _CURSOR,
            "has_more": True,
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "Nothing new",
        value={"results": [], "next_cursor": _CURSOR, "has_more": False},
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "A cursor that is not yours, or garbage",
        value={
            "error": {
                "code": "VALIDATION_ERROR",
                "message": str(errors.ValidationError.default_message),
                "fields": {
                    "cursor": [
                        {
                            "code": errors.SYNC_CURSOR_INVALID.code,
                            "message": str(errors.SYNC_CURSOR_INVALID.message),
                        }
                    ]
                },
                "request_id": "…",
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
]


class SyncRenderer(ORJSONRenderer):  # type: ignore[misc]  # the library ships no types
    """The configured renderer, also writing naive datetimes as UTC: a page reads its
    timestamps as naive UTC (`feed._AS_UTC`), and they come out as the list's aware ones do."""

    options = ORJSONRenderer.options | orjson.OPT_NAIVE_UTC


class RealEstateSyncView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [SyncRenderer]

    @extend_schema(
        operation_id="sync_real_estates",
        tags=["sync"],
        summary="Changes since a cursor (offline sync)",
        description=(
            "What changed among the real estates you see since `cursor`, in commit order: each "
            "changed real estate as its list item with `version`, each deleted one (or one you no "
            "longer see) as a tombstone `{id, deleted: true}`. Without a cursor, a full sync: "
            "every real estate you see, then the changes made meanwhile, paged the same way. "
            "Store `next_cursor` and ask again while `has_more` is true. A real estate may come "
            "more than once across pages; apply each result over what you hold. An item's `cover` is a "
            "link that expires (`MEDIA_URL_EXPIRY_SECONDS`, 1 h): download it when the page arrives; "
            "an item comes again only when it changes. A cursor unused "
            "for `SYNC_RETENTION_DAYS` (30), behind changes the daily purge removed, or issued "
            "before a role change that changed what you see (collector to manager or admin, or "
            "back) expires: 410, sync again without one."
        ),
        parameters=[SyncQuerySerializer],
        responses={
            200: SyncPageSerializer,
            **error_responses(errors.ValidationError, errors.SyncCursorExpired),
        },
        examples=EXAMPLES,
    )
    def get(self, request: Request) -> Response:
        refuse_empty(request.query_params, "limit")  # the serializer would take its default
        query = SyncQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data: dict[str, Any] = query.validated_data
        try:
            page = feed.sync_page(user=request.user, cursor=data.get("cursor") or None, limit=data["limit"])
        except CursorInvalid:
            raise ValidationError({"cursor": [cursor_invalid()]}) from None
        except feed.CursorExpired:
            raise errors.SyncCursorExpired() from None
        return Response(
            {
                "results": render_changes(page.results),
                "next_cursor": page.next_cursor,
                "has_more": page.has_more,
            }
        )
