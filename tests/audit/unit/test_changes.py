"""How changes are written down: only what differs, in JSON values, never a secret."""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from apps.audit.services import audit_diff, audit_record, audit_snapshot, audit_value
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory


def test_values_are_stored_as_json() -> None:
    assert audit_value(Decimal("350000.00")) == "350000.00"
    assert audit_value(datetime(2026, 3, 1, 12, 30, tzinfo=UTC)) == "2026-03-01T12:30:00Z"
    assert audit_value(None) is None
    assert audit_value(3) == 3


@pytest.mark.parametrize(
    "value",
    [
        Decimal("350000.00"),
        Decimal("-23.550520"),
        Decimal("1E+2"),
        uuid.UUID("0b8a3c1e-5d2f-4e6a-9b7c-1d2e3f4a5b6c"),
        datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        date(2026, 3, 1),
        True,
        1.5,
        "texto",
    ],
)
def test_a_value_is_stored_as_djangos_json_encoder_writes_it(value: object) -> None:
    assert audit_value(value) == json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_a_diff_keeps_only_what_changed_and_treats_missing_as_none() -> None:
    assert audit_diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}
    assert audit_diff({}, {"a": 1, "b": None}) == {"a": [None, 1]}
    assert audit_diff({"a": 1}, {}) == {"a": [1, None]}


def test_a_snapshot_names_a_related_row_by_its_id() -> None:
    collector = UserFactory.build()
    real_estate = RealEstateFactory.build(collected_by=collector, price=Decimal("10.50"))
    snapshot = audit_snapshot(real_estate, ("collected_by", "price"))
    assert snapshot == {"collected_by": str(collector.pk), "price": "10.50"}
    json.dumps(snapshot)


@pytest.mark.django_db
def test_a_secret_never_goes_into_an_event_whatever_the_caller_passes() -> None:
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="user.update",
            target_id="42",
            changes={
                "password": ["old", "new"],
                "token": [None, "t"],
                "refresh": [None, "r"],
                "name": ["a", "b"],
            },
        )
    event.refresh_from_db()
    assert event.changes == {"name": ["a", "b"]}
    assert event.target_type == "user"
