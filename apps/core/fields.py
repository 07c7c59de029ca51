"""Serializer fields shared by the apps' input serializers, the reading of a whole number from a
query string, and a catalog field message as the error detail DRF renders."""

import re
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from apps.core import errors

# A query value's text as the number a `type: integer` or `type: number` parameter is: JSON's
# grammar (RFC 8259 §6), leading zeros allowed (`02` is 2: a query value is text, and clients pad
# it), docs/adr/0125. A str pattern's `[0-9]` is ASCII only (`\d` is not).
_INTEGER = re.compile(r"-?[0-9]{1,12}")  # at most 12 digits: no count is longer
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def catalog_detail(message: errors.FieldMessage) -> ErrorDetail:
    """A catalog field message as DRF's error detail: its text, in the active language, and code."""
    return ErrorDetail(str(message.message), code=message.code)


def whole_number(text: str) -> int | None:
    """A query parameter's value as a whole number when it is ASCII digits (at most 12), with a
    `-` or not, else None: not `5.0`, `+5`, ` 5`, `5\n`, an Arabic-Indic five, `1e1` or `5_0`,
    which Python's `int` and DRF's IntegerField read as numbers (the schema says `type:
    integer`, which JSON Schema draft 4 reads without a fraction or exponent). The caller checks
    the bounds (`-0` is 0, `-1` below any count's)."""
    return int(text) if _INTEGER.fullmatch(text) else None


def query_number(text: str) -> Decimal | None:
    """A query parameter's value as a number when it is one as JSON writes it (`12.5`, `1e5`,
    `-0`; leading zeros allowed), exactly, else None: not `+1`, `1.`, `.5`, ` 1`, `1_0`, an
    Arabic-Indic digit, `NaN` or `0x1`, which Python's `Decimal` or `float` read (the schema
    says `type: number`)."""
    return Decimal(text) if _NUMBER.fullmatch(text) else None


@cache  # one validator for every field: DRF builds the input fields again for every request
def not_blank() -> RegexValidator:
    """What a schema can say of a required text: something besides whitespace (drf-spectacular
    declares a `RegexValidator`'s regex as the field's `pattern`, here `\\S`). The field refuses
    whitespace alone before any validator runs (`blank`), so this one refuses nothing itself;
    invisible characters alone are a rule no pattern states (docs/adr/0094, docs/adr/0124)."""
    return RegexValidator(r"\S")


class DeclaredLength(serializers.CharField):
    """A CharField whose `max_length` bounds the string as sent, as the schema's `maxLength`
    says: DRF checks it on the value trimmed (and an optional field reads whitespace alone as
    `""` before any check), so 200 characters and a space passed a `maxLength: 200`. Also a
    mixin, first among the bases (docs/adr/0110)."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class DeclaredLengthFormField(forms.CharField):
    """A query filter's text whose `max_length` bounds the value as sent, as the schema's
    `maxLength` says (Django's CharField checks it once stripped; docs/adr/0110)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and self.max_length is not None:
            MaxLengthValidator(self.max_length)(value)
        return super().to_python(value)


class TextField(serializers.CharField):
    """Only a JSON string: DRF's CharField would store `5` or `1.5` as text, which the schema
    (`type: string`) does not allow (Schemathesis' negative_data_rejection, ADR 0070)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """Only a JSON number without a fraction or exponent part (`3`), as OpenAPI 3.0's
    `type: integer` (JSON Schema draft 4) reads it: DRF's IntegerField also parsed text (`"3"`,
    `" +3 "`, an Arabic-Indic `"٣"`) and took `3.0` or `3e0`, which the JSON parser reads as a
    float (ADR 0120)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class QueryNumberField(serializers.IntegerField):
    """A query parameter counting something, as `page_size` is read (`apps.core.pagination`):
    plain ASCII digits (`whole_number`) from `min_value` to `max_value`. Anything else, whatever
    is wrong with it, is the one catalog field message `message` (formatted with
    `limit=max_value`) under its code."""

    def __init__(
        self, *, message: errors.FieldMessage, min_value: int, max_value: int, **kwargs: Any
    ) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        self.message = message
        self.bounds = (min_value, max_value)

    def to_internal_value(self, data: Any) -> int:
        number = whole_number(data) if isinstance(data, str) else None
        low, high = self.bounds
        if number is None or not low <= number <= high:
            text = str(self.message.message).format(limit=high)
            raise ValidationError([ErrorDetail(text, code=self.message.code)])
        return number
