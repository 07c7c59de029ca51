"""Query filters of the audit list: `actor`, `target_type`, `target_id`, `action`,
`created_after`, `created_before` (dates or ISO 8601 datetimes, as in the real-estate list)."""

from datetime import datetime

from django_filters import rest_framework as filters

from apps.audit.models import AuditEvent, TargetType
from apps.audit.querysets import AuditEventQuerySet
from apps.core.filters import StrictQueryForm
from apps.real_estates.api.filters import DateOrDateTimeFilter, created_before


class AuditEventFilter(filters.FilterSet):  # type: ignore[misc]
    actor = filters.UUIDFilter(field_name="actor_id", help_text="Events made by this user (id).")
    target_type = filters.ChoiceFilter(choices=TargetType.choices, help_text="Kind of record changed.")
    target_id = filters.CharFilter(max_length=64, help_text="Id of the record changed (with `target_type`).")
    action = filters.CharFilter(
        max_length=64, help_text="`<target type>.<verb>`, e.g. `real_estate.approve`."
    )
    created_after = DateOrDateTimeFilter(
        method="filter_created_after", help_text="Date (from its start) or ISO 8601 datetime, inclusive."
    )
    created_before = DateOrDateTimeFilter(
        method="filter_created_before",
        help_text="Date (up to its end, inclusive) or ISO 8601 datetime (exclusive).",
    )

    class Meta:
        model = AuditEvent
        form = StrictQueryForm  # an empty value is a 400 naming the parameter
        fields = ("actor", "target_type", "target_id", "action", "created_after", "created_before")

    def filter_created_after(
        self, queryset: AuditEventQuerySet, name: str, value: tuple[datetime, bool]
    ) -> AuditEventQuerySet:
        return queryset.filter(created_at__gte=value[0])

    def filter_created_before(
        self, queryset: AuditEventQuerySet, name: str, value: tuple[datetime, bool]
    ) -> AuditEventQuerySet:
        return created_before(queryset, value)
