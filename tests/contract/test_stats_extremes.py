"""The stats' averages at the extremes a real estate may hold are what the schema declares.

A price of 999,999,999,999.99 over an area of 0.01 m² is 99,999,999,999,999 a square metre:
two digits more than a price. `avg_price_per_m2` was declared with a price's twelve integer
digits, and the fixed-seed fuzz read 1,916,606,735,582.69 (13 digits) out of its own schema.
"""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()
STATS_ROW = CONTRACT.spec["components"]["schemas"]["StatsRow"]


@pytest.mark.parametrize(
    ("price", "area"),
    [
        (Decimal("999999999999.99"), Decimal("0.01")),  # the dearest square metre
        (Decimal("0.01"), Decimal("9999999999.99")),  # the cheapest
        (Decimal(0), Decimal("0.01")),
    ],
)
def test_the_stats_of_extreme_rows_match_their_schema(
    manager_client: APIClient, price: Decimal, area: Decimal
) -> None:
    RealEstateFactory(price=price, area_m2=area, city="Extremos")

    response = manager_client.get("/api/v1/real-estates/stats", {"group_by": "city"})

    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    CONTRACT.validate(row, STATS_ROW)
    assert Decimal(row["avg_price_per_m2"]) == (price / area).quantize(Decimal("0.01"))
