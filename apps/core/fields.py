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
