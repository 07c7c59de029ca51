"""`purge_old_exports(retention_days=...)` by hand keeps the setting's meaning of 0: a retention
of 0 days is the setting's "keep every export", so the task refuses it rather than read it as
"delete every export" (docs/adr/0106)."""

import os
from typing import Any

import pytest
from django.core.files.storage import storages

from apps.real_estates.export import real_estate_export_to_storage
from apps.real_estates.tasks import purge_old_exports
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_exports() -> list[str]:
    RealEstateFactory()
    return [real_estate_export_to_storage(filters={}) for _ in range(2)]


@pytest.mark.parametrize("days", [0, 0.0])
def test_a_retention_of_no_days_by_hand_is_refused_and_every_export_stays(
    two_exports: list[str], days: float
) -> None:
    # REAL_ESTATES_EXPORT_RETENTION_DAYS=0 keeps every export; retention_days=0 deleted every
    # one, even an export written a second ago whose key a caller was just given.
    with pytest.raises(ValueError, match="retention_days must be more than 0"):
        purge_old_exports(retention_days=days)

    assert all(storages["default"].exists(key) for key in two_exports)


def test_a_short_retention_by_hand_still_deletes_only_older_exports(
    two_exports: list[str], settings: Any
) -> None:
    old, young = two_exports
    path = os.path.join(settings.STORAGES["default"]["OPTIONS"]["location"], old)
    os.utime(path, (0, 0))

    assert purge_old_exports(retention_days=0.01) == {"deleted": 1}  # about a quarter of an hour
    assert not storages["default"].exists(old)
    assert storages["default"].exists(young)
