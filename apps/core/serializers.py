"""What every app's input serializers share: the closed serializer and the text field."""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from apps.core import errors
from apps.core.fields import DeclaredLength, catalog_detail, not_blank
from apps.core.text import VisibleTextField


class InputTextField(DeclaredLength, VisibleTextField):
    """The text an input serializer takes: a JSON string, at most `max_length` characters as
    sent (docs/adr/0110), with nothing visible read as `""` (apps/core/text.py); a required one
    declared `pattern: \\S` (`not_blank`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not self.allow_blank:
            self.validators.append(not_blank())


class StrictInputSerializer(serializers.Serializer[Any]):
    """Rejects unknown and read-only fields with FIELD_NOT_ALLOWED, naming each one."""

    # A typo or a read-only field is a 400, not a 200 that silently changed nothing.

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted(str(key) for key in data if key not in writable)
            if refused:
                detail = catalog_detail(errors.FIELD_NOT_ALLOWED)
                raise serializers.ValidationError({name: [detail] for name in refused})
        return super().to_internal_value(data)
