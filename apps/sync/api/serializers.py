"""Shapes of the sync API. A changed real estate is the list's item (its rendering is reused
from apps/real_estates) plus `version`; a deleted or no longer visible one is a tombstone."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from apps.real_estates.api.serializers import RealEstateListItemSerializer

DEFAULT_LIMIT = 100


class SyncQuerySerializer(serializers.Serializer[Any]):
    cursor = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="The `next_cursor` of your last page; omit it (or leave it empty) to sync from the start.",
    )
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=settings.SYNC_PAGE_MAX,
        help_text=f"Changes read for this page (default {DEFAULT_LIMIT}).",
    )


class SyncRealEstateSerializer(RealEstateListItemSerializer):
    """The list item, with the version a client compares with what it holds."""

    version = serializers.IntegerField(help_text="Bumped by every change of the real estate.")

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        """A row of `apps.sync.feed.SYNC_COLUMNS`."""
        return {**super().to_representation(row), "version": row["version"]}


class SyncTombstoneSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.UUIDField()
    deleted = serializers.BooleanField(help_text="Always true: delete this real estate locally.")

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"id": row["id"], "deleted": True}


SYNC_CHANGE = PolymorphicProxySerializer(
    component_name="SyncChange",
    serializers=[SyncRealEstateSerializer, SyncTombstoneSerializer],
    resource_type_field_name=None,
    many=True,
)


@extend_schema_field(SYNC_CHANGE)
class SyncChangesField(serializers.ListField):
    """Each result rendered by its own shape (for the schema: one of the two)."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        item = SyncRealEstateSerializer()
        tombstone = SyncTombstoneSerializer()
        return [
            tombstone.to_representation(row) if row.get("deleted") else item.to_representation(row)
            for row in data
        ]


class SyncPageSerializer(serializers.Serializer[Any]):
    results = SyncChangesField(help_text="Changes in commit order, each real estate at most once.")
    next_cursor = serializers.CharField(help_text="Send it as `cursor` to continue; store it.")
    has_more = serializers.BooleanField(help_text="More changes are ready now: ask again at once.")
