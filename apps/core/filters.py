"""What every list's query parameters share: the form behind a django-filter FilterSet that
refuses what the OpenAPI schema does not allow instead of ignoring it.

An empty value (`?status=`, or whitespace alone: `?status=%20`) is a 400 naming the parameter,
like any value outside its domain; a repeated `ordering` is a 400 too (django-filter would take
its last value), its several keys going in one comma-separated value. A number, a date, an
id or coordinates with whitespace around them (`?min_price=%201`) is a 400 too (`padded`).
"""

import re
from typing import Any

from django import forms
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from apps.core import errors
from apps.core.fields import catalog_detail


def field_error(message: errors.FieldMessage, **limits: int) -> forms.ValidationError:
    """A form error carrying a catalog field message (its code and its text)."""
    return forms.ValidationError(str(message.message).format(**limits), code=message.code)


class StrictQueryForm(forms.Form):
    """A FilterSet's form (`Meta.form`) that refuses an empty value and a repeated `ordering`."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        getlist = getattr(self.data, "getlist", None)
        for name in self.fields:
            values = getlist(name) if getlist else ([self.data[name]] if name in self.data else [])
            if name == "ordering" and len(values) > 1:
                self.add_error(name, field_error(errors.PARAMETER_REPEATED))
            elif values and _blank(values[-1], self.fields[name]) and name not in self.errors:
                self.add_error(name, field_error(errors.PARAMETER_EMPTY))
            elif name == "ordering" and "" in (cleaned.get(name) or ()):  # `-price,`: an empty key
                message = self.fields[name].error_messages["invalid_choice"] % {"value": ""}
                self.add_error(name, forms.ValidationError(message, code="invalid_choice"))
        return cleaned


def _blank(value: Any, field: forms.Field) -> bool:
    """Empty, or whitespace alone where the field strips it (and would read nothing, so apply
    nothing): `?city=%20` is as empty as `?city=`. Not where whitespace is the field's own
    (`strip=False`, as `q`)."""
    return value == "" or (isinstance(value, str) and not value.strip() and getattr(field, "strip", True))


def padded(value: Any) -> bool:
    """Text with whitespace around something: `" 1"`, not `" "` (empty, `_blank`). A field that
    reads a number, a date, an id or coordinates refuses it, where Django's fields strip it: the
    schema declares those values without spaces (a number's text has none), and a value the
    server took that its schema refuses is negative data accepted."""
    return isinstance(value, str) and value.strip() not in ("", value)


# The text `format: uuid` declares: 8-4-4-4-12 hex digits, any case. Python's `UUID` also reads
# braces, a `urn:uuid:` prefix, 32 bare hex digits and whitespace around any of them.
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


class ExactUUIDField(forms.UUIDField):
    """A UUID as the schema declares it (`UUID_TEXT`), else invalid (a blank one stays empty)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not UUID_TEXT.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ExactUUIDFilter(filters.UUIDFilter):  # type: ignore[misc]
    field_class = ExactUUIDField


def refuse_empty(query_params: Any, *names: str) -> None:
    """A 400 naming each of `names` sent with an empty value, for parameters read outside a
    FilterSet (DRF's `?format=`, a serializer's optional field, which would take its default)."""
    empty = [name for name in names if name in query_params and query_params.getlist(name)[-1] == ""]
    if empty:
        raise ValidationError({name: [catalog_detail(errors.PARAMETER_EMPTY)] for name in empty})
