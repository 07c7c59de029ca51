"""Serializer fields shared by the apps' input serializers."""

from typing import Any

from rest_framework import serializers


class TextField(serializers.CharField):
    """Only a JSON string: DRF's CharField would store `5` or `1.5` as text, which the schema
    (`type: string`) does not allow (Schemathesis' negative_data_rejection, ADR 0070)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """Only a JSON number with no fraction (`3`, `3.0`): DRF's IntegerField also parsed text
    (`"3"`, `" +3 "`, an Arabic-Indic `"٣"`), which the schema (`type: integer`) does not allow."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return int(super().to_internal_value(data))
