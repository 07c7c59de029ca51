"""Factories for real estates: real city/UF pairs, CEPs, prices by kind, pt-BR text."""

import random
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from apps.real_estates.models import Kind, Purpose, RealEstate, RealEstateTransition, Status
from apps.real_estates.search import build_search_text
from tests.users.factories import UserFactory

# (city, UF, CEP prefix, latitude, longitude)
CITIES: tuple[tuple[str, str, str, float, float], ...] = (
    ("São Paulo", "SP", "01", -23.5505, -46.6333),
    ("Campinas", "SP", "13", -22.9056, -47.0608),
    ("Rio de Janeiro", "RJ", "20", -22.9068, -43.1729),
    ("Niterói", "RJ", "24", -22.8832, -43.1034),
    ("Belo Horizonte", "MG", "30", -19.9167, -43.9345),
    ("Curitiba", "PR", "80", -25.4284, -49.2733),
    ("Porto Alegre", "RS", "90", -30.0346, -51.2177),
    ("Florianópolis", "SC", "88", -27.5949, -48.5482),
    ("Salvador", "BA", "40", -12.9777, -38.5016),
    ("Recife", "PE", "50", -8.0476, -34.8770),
    ("Fortaleza", "CE", "60", -3.7319, -38.5267),
    ("Brasília", "DF", "70", -15.7939, -47.8828),
    ("Goiânia", "GO", "74", -16.6869, -49.2648),
    ("Manaus", "AM", "69", -3.1190, -60.0217),
    ("Belém", "PA", "66", -1.4558, -48.4902),
)

# (min, max) price in BRL by kind and purpose
PRICES: dict[tuple[str, str], tuple[int, int]] = {
    (Kind.HOUSE, Purpose.SALE): (250_000, 2_500_000),
    (Kind.APARTMENT, Purpose.SALE): (180_000, 1_800_000),
    (Kind.LAND, Purpose.SALE): (60_000, 900_000),
    (Kind.COMMERCIAL, Purpose.SALE): (300_000, 5_000_000),
    (Kind.RURAL, Purpose.SALE): (400_000, 8_000_000),
    (Kind.HOUSE, Purpose.RENT): (1_500, 12_000),
    (Kind.APARTMENT, Purpose.RENT): (1_200, 9_000),
    (Kind.LAND, Purpose.RENT): (500, 4_000),
    (Kind.COMMERCIAL, Purpose.RENT): (2_500, 30_000),
    (Kind.RURAL, Purpose.RENT): (2_000, 20_000),
}
AREAS: dict[str, tuple[int, int]] = {
    Kind.HOUSE: (70, 450),
    Kind.APARTMENT: (35, 220),
    Kind.LAND: (200, 2_000),
    Kind.COMMERCIAL: (40, 1_500),
    Kind.RURAL: (10_000, 500_000),
}
TITLES: dict[str, str] = {
    Kind.HOUSE: "Casa",
    Kind.APARTMENT: "Apartamento",
    Kind.LAND: "Terreno",
    Kind.COMMERCIAL: "Sala comercial",
    Kind.RURAL: "Sítio",
}


def _city(o: Any) -> tuple[str, str, str, float, float]:
    return random.choice(CITIES)


def _price(o: Any) -> Decimal:
    low, high = PRICES[(o.kind, o.purpose)]
    return Decimal(random.randrange(low, high, 100 if o.purpose == Purpose.RENT else 1_000))


def _area(o: Any) -> Decimal:
    low, high = AREAS[o.kind]
    return Decimal(random.randint(low * 100, high * 100)) / 100


def _bedrooms(o: Any) -> int:
    return random.randint(1, 5) if o.kind in (Kind.HOUSE, Kind.APARTMENT) else 0


def _search_text(o: Any) -> str:
    return build_search_text(o.title, o.description, o.street, o.neighborhood, o.city)


class RealEstateFactory(DjangoModelFactory[RealEstate]):
    """A draft by a fresh collector; pass `status=` with the review fields it implies."""

    class Meta:
        model = RealEstate
        exclude = ("place",)

    place = factory.LazyAttribute(_city)
    kind = factory.Iterator(Kind.values)
    purpose = factory.Iterator([Purpose.SALE, Purpose.SALE, Purpose.RENT])
    title = factory.LazyAttribute(lambda o: f"{TITLES[o.kind]} em {o.neighborhood}")
    description = factory.Faker("paragraph", nb_sentences=3, locale="pt_BR")
    price = factory.LazyAttribute(_price)
    area_m2 = factory.LazyAttribute(_area)
    bedrooms = factory.LazyAttribute(_bedrooms)
    bathrooms = factory.LazyAttribute(lambda o: max(1, o.bedrooms - 1) if o.bedrooms else 1)
    parking_spaces = factory.LazyAttribute(lambda o: random.randint(0, 3))
    zip_code = factory.LazyAttribute(lambda o: o.place[2] + f"{random.randint(0, 999_999):06d}")
    street = factory.Faker("street_name", locale="pt_BR")
    number = factory.LazyAttribute(lambda o: str(random.randint(1, 3000)))
    complement = ""
    neighborhood = factory.Faker("bairro", locale="pt_BR")
    city = factory.LazyAttribute(lambda o: o.place[0])
    state = factory.LazyAttribute(lambda o: o.place[1])
    latitude = factory.LazyAttribute(lambda o: Decimal(f"{o.place[3] + random.uniform(-0.05, 0.05):.6f}"))
    longitude = factory.LazyAttribute(lambda o: Decimal(f"{o.place[4] + random.uniform(-0.05, 0.05):.6f}"))
    status = Status.DRAFT
    collected_by = factory.SubFactory(UserFactory)
    collected_by_name = factory.LazyAttribute(lambda o: o.collected_by.name if o.collected_by else "")
    search_text = factory.LazyAttribute(_search_text)


class RealEstateTransitionFactory(DjangoModelFactory[RealEstateTransition]):
    class Meta:
        model = RealEstateTransition

    real_estate = factory.SubFactory(RealEstateFactory)
    from_status = Status.DRAFT
    to_status = Status.SUBMITTED
    actor = factory.LazyAttribute(lambda o: o.real_estate.collected_by)
    reason = ""
