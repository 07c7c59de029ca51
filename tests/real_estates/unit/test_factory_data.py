"""The factories draw every value from the generator tests/conftest.py seeds per test, so a test
makes the same data alone or in the whole suite (tests/README.md)."""

import factory.random

from apps.real_estates.models import RealEstate
from tests.real_estates.factories import RealEstateFactory

DRAWN = (
    "title",
    "description",
    "kind",
    "purpose",
    "price",
    "area_m2",
    "bedrooms",
    "parking_spaces",
    "zip_code",
    "street",
    "number",
    "neighborhood",
    "city",
    "state",
    "latitude",
    "longitude",
)


def drawn(real_estate: RealEstate) -> tuple[object, ...]:
    user = real_estate.collected_by
    assert user is not None
    return (*(getattr(real_estate, name) for name in DRAWN), user.cpf, user.name)


def test_the_same_seed_makes_the_same_real_estates_and_collectors() -> None:
    factory.random.reseed_random("a seed")
    first = [drawn(RealEstateFactory.build()) for _ in range(5)]
    factory.random.reseed_random("a seed")
    again = [drawn(RealEstateFactory.build()) for _ in range(5)]
    factory.random.reseed_random("another seed")
    other = [drawn(RealEstateFactory.build()) for _ in range(5)]
    assert first == again
    assert first != other
