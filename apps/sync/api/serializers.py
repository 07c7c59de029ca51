"""Shapes of the sync API. A changed real estate is the list's item plus `version`; a deleted or
no longer visible one is a tombstone.

The serializers declare the shapes (the OpenAPI schema reads them); `render_changes` builds a
page's results from the feed's rows in one pass. A page holds up to 500 items, so per-item
framework work (a serializer call, a signer and a URL reversal per cover) would cost more than
the SQL (docs/adr/0080, addendum).
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.conf import settings
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import empty

from apps.core import errors
from apps.core.fields import QueryNumberField, catalog_detail
from apps.media import storage
from apps.real_estates.api.serializers import RealEstateListItemSerializer
from apps.sync.feed import Change

DEFAULT_LIMIT = 100


def cursor_invalid() -> ErrorDetail:
    """The one answer to any cursor that is not one we issued to the caller, whatever is wrong
    with it: too long, not text a cursor has, a bad signature, another user's, another shape."""
    return catalog_detail(errors.SYNC_CURSOR_INVALID)


class CursorField(serializers.CharField):
    """The cursor exactly as sent (no whitespace trimmed: ` <cursor>` is not one we issued).
    What this field refuses (longer than `max_length`, a NUL character) is the same malformed
    cursor as what `apps.sync.cursor.decode` refuses, not DRF's own codes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, **kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        try:
            return super().run_validation(data)
        except serializers.ValidationError:
            raise serializers.ValidationError([cursor_invalid()]) from None


class SyncQuerySerializer(serializers.Serializer[Any]):
    cursor = CursorField(
        required=False,
        allow_blank=True,
        max_length=1000,  # a cursor we issue is at most ~220 characters
        help_text="The `next_cursor` of your last page; omit it (or leave it empty) to sync from the start.",
    )
    # The sync's page size, refused as the list's `page_size` is: plain digits within bounds.
    limit = QueryNumberField(
        message=errors.PAGE_SIZE_INVALID,
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=settings.SYNC_PAGE_MAX,
        help_text=f"Changes read for this page (default {DEFAULT_LIMIT}).",
    )


# The serializers below declare shapes for the schema; `render_changes` builds the data.
class SyncRealEstateSerializer(RealEstateListItemSerializer):
    """The list item, with its version (the ETag)."""

    version = serializers.IntegerField(
        help_text="The real estate's ETag version: bumped by every edit, transition and photo change. "
        "A cover's thumbnail appearing and a collector's rename or erasure change the item without "
        "bumping it: apply every result, even one whose version you hold."
    )
    # The list's, only with `near`, which the sync does not take (DRF: None removes an inherited field).
    distance_km = None  # type: ignore[assignment]


class SyncTombstoneSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.UUIDField()
    deleted = serializers.BooleanField(help_text="Always true: delete this real estate locally.")


SYNC_CHANGE = PolymorphicProxySerializer(
    component_name="SyncChange",
    serializers=[SyncRealEstateSerializer, SyncTombstoneSerializer],
    resource_type_field_name=None,
    many=True,
)


@extend_schema_field(SYNC_CHANGE)
class SyncChangesField(serializers.ListField):
    """Each result in its own shape (for the schema: one of the two)."""


class SyncPageSerializer(serializers.Serializer[Any]):
    results = SyncChangesField(help_text="Changes in commit order, each real estate at most once.")
    next_cursor = serializers.CharField(help_text="Send it as `cursor` to continue; store it.")
    has_more = serializers.BooleanField(help_text="More changes are ready now: ask again at once.")


def render_changes(results: Sequence[Change]) -> list[dict[str, Any]]:
    """The page's results as the API answers them: each row as the list item
    (`RealEstateListItemSerializer`'s shape: decimals as strings; ids, times left to the
    renderer, as the list does) plus `version`; each tombstone as `{id, deleted: true}`.
    Rows unpack in `feed.SYNC_COLUMNS` order. On PostgreSQL their ids and decimals are already
    the text (`str` returns it as it is) and their times naive UTC, which `views.SyncRenderer`
    writes as the list's aware ones (docs/adr/0080, second addendum)."""
    link = storage.object_urls()
    rendered: list[dict[str, Any]] = []
    append = rendered.append
    for result in results:
        if isinstance(result, UUID):
            append({"id": result, "deleted": True})
            continue
        (
            pk, title, kind, purpose, status, price, area_m2, bedrooms, city, state, photo_count,
            created_at, updated_at, collector_id, collector_name, cover_key, version,
        ) = result  # fmt: skip
        collected_by = None if collector_id is None else {"id": collector_id, "name": collector_name}
        append(
            {
                "id": pk,
                "title": title,
                "kind": kind,
                "purpose": purpose,
                "status": status,
                "price": str(price),
                "area_m2": str(area_m2),
                "bedrooms": bedrooms,
                "city": city,
                "state": state,
                "collected_by": collected_by,
                "photo_count": photo_count,
                "cover": link(cover_key) if cover_key else None,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
            }
        )
    return rendered
