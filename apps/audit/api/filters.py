"""Query filters of the audit list: `actor`, `target_type`, `target_id`, `action`,
`created_after`, `created_before` (dates or ISO 8601 datetimes, as in the real-estate list)."""

from datetime import datetime

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from apps.audit.models import AuditEvent, TargetType
from apps.audit.querysets import AuditEventQuerySet
from apps.core.fields import DeclaredLengthFormField
from apps.core.filters import ExactUUIDFilter, StrictQueryForm
from apps.real_estates.api.filters import DateOrDateTimeFilter, created_before, date_or_datetime_schema

KEY_LENGTH = 64  # `AuditEvent.action` and `.target_id`


class KeyFilter(filters.CharFilter):  # type: ignore[misc]
    field_class = DeclaredLengthFormField  # `KEY_LENGTH` characters as sent, as declared (ADR 0110)


def key_filter(description: str) -> filters.CharFilter:
    """Text of at most `KEY_LENGTH` characters, not blank (else a 400), declared so in the schema."""
    schema = {"type": "string", "maxLength": KEY_LENGTH, "pattern": r"\S", "description": description}
    filter_: filters.CharFilter = extend_schema_field(schema)(KeyFilter(max_length=KEY_LENGTH))
    return filter_


class AuditEventFilter(filters.FilterSet):  # type: ignore[misc]
    actor = ExactUUIDFilter(field_name="actor_id", help_text="Events made by this user (id).")
    target_type = filters.ChoiceFilter(choices=TargetType.choices, help_text="Kind of record changed.")
    target_id = key_filter("Id of the record changed (with `target_type`).")
    action = key_filter("`<target type>.<verb>`, e.g. `real_estate.approve`.")
    created_after = DateOrDateTimeFilter(method="filter_created_after")
    created_before = DateOrDateTimeFilter(method="filter_created_before")

    class Meta:
        model = AuditEvent
        form = StrictQueryForm  # an empty value is a 400 naming the parameter
        fields = ("actor", "target_type", "target_id", "action", "created_after", "created_before")

    @date_or_datetime_schema("Date (from its start) or ISO 8601 datetime, inclusive.")
    def filter_created_after(
        self, queryset: AuditEventQuerySet, name: str, value: tuple[datetime, bool]
    ) -> AuditEventQuerySet:
        return queryset.filter(created_at__gte=value[0])

    @date_or_datetime_schema("Date (up to its end, inclusive) or ISO 8601 datetime (exclusive).")
    def filter_created_before(
        self, queryset: AuditEventQuerySet, name: str, value: tuple[datetime, bool]
    ) -> AuditEventQuerySet:
        return created_before(queryset, value)
