"""Query filters of the users list: `role`, `is_active` (`true`/`false`), `search` (name or CPF)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from apps.core.fields import DeclaredLengthFormField
from apps.core.filters import StrictQueryForm
from apps.users.models import Role, User
from apps.users.querysets import UserQuerySet

_BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


class SearchFilter(filters.CharFilter):  # type: ignore[misc]
    field_class = DeclaredLengthFormField  # 150 characters as sent, as declared


class UserFilter(filters.FilterSet):  # type: ignore[misc]
    role = filters.ChoiceFilter(choices=Role.choices, help_text="Only users with this role.")
    is_active = filters.ChoiceFilter(
        choices=_BOOLEAN_CHOICES, method="filter_is_active", help_text="`true` or `false`."
    )
    search = extend_schema_field(
        {
            "type": "string",
            "maxLength": 150,
            "pattern": r"\S",  # whitespace alone is a 400, as an empty value
            "description": "Part of the name, or the first digits of the CPF.",
        }
    )(SearchFilter(method="filter_search", max_length=150))

    class Meta:
        model = User
        form = StrictQueryForm  # an empty value is a 400 naming the parameter
        fields = ("role", "is_active", "search")

    def filter_is_active(self, queryset: UserQuerySet, name: str, value: str) -> UserQuerySet:
        return queryset.filter(is_active=value == "true")

    def filter_search(self, queryset: UserQuerySet, name: str, value: str) -> UserQuerySet:
        return queryset.search(value)
