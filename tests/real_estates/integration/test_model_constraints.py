"""The database refuses what the spec forbids, whatever code path writes the row."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from apps.real_estates.models import RealEstate, Status
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db


def test_factory_builds_a_valid_real_estate() -> None:
    real_estate = RealEstateFactory()
    real_estate.full_clean()
    assert real_estate.search_text == real_estate.search_text.lower()


@pytest.mark.parametrize(
    "changes",
    [
        {"price": Decimal("-1")},
        {"area_m2": Decimal("0")},
        {"state": "XX"},
        {"zip_code": "1234567"},
        {"zip_code": "1234567a"},
        {"latitude": Decimal("90.5")},
        {"longitude": Decimal("-180.5")},
        {"status": "published"},
        {"kind": "castle"},
        {"purpose": "swap"},
        {"title": ""},
        {"status": Status.REJECTED, "rejection_reason": ""},
        {"status": Status.APPROVED, "reviewed_at": None},
    ],
)
def test_database_refuses_rows_breaking_an_invariant(changes: dict[str, object]) -> None:
    real_estate = RealEstateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RealEstate.objects.filter(pk=real_estate.pk).update(**changes)


def test_deleting_the_collector_keeps_the_real_estate() -> None:
    real_estate = RealEstateFactory()
    real_estate.collected_by.delete()
    real_estate.refresh_from_db()
    assert real_estate.collected_by is None


def test_search_index_exists_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("the suite runs against PostgreSQL")
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, RealEstate._meta.db_table)
    assert "re_search_text_trgm_idx" in constraints
