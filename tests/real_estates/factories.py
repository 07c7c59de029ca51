"""Factories for real estates, made the way the services make them.

`RealEstateFactory.create(status=...)` calls `real_estate_create` as its collector, adds
`photos` through the photo upload service (tests/media/factories.py), then runs the transitions
that lead to `status`: submit by the collector; approve, reject or archive by `reviewed_by` (a
new manager unless given). So every row carries what the services give it: `search_text`,
`collected_by_name`, `photo_count`, the cover, `version`, the review fields, the history and the
audit events. `collected_by=None` is a real estate whose collector then erased their account.
`.build()` makes an unsaved draft with the same computed columns, for tests without a database.

The data (real city/UF pairs, CEPs, prices by kind, pt-BR text) comes from factory-boy's random
generator, which tests/conftest.py seeds before every test.
"""

from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory
from factory.fuzzy import FuzzyChoice
from factory.random import randgen

from apps.real_estates import services
from apps.real_estates.models import REVIEWED_STATUSES, Kind, Purpose, RealEstate, Status
from apps.real_estates.search import build_search_text
from apps.users.models import Role
from apps.users.services import user_delete
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


REJECTION_REASON = "Fotos escuras"


def _price(o: Any) -> Decimal:
    low, high = PRICES[(o.kind, o.purpose)]
    return Decimal(randgen.randrange(low, high, 100 if o.purpose == Purpose.RENT else 1_000))


def _area(o: Any) -> Decimal:
    low, high = AREAS[o.kind]
    return Decimal(randgen.randint(low * 100, high * 100)) / 100


def _bedrooms(o: Any) -> int:
    return randgen.randint(1, 5) if o.kind in (Kind.HOUSE, Kind.APARTMENT) else 0


def _near(degrees: float) -> Decimal:
    return Decimal(f"{degrees + randgen.uniform(-0.05, 0.05):.6f}")


def _search_text(o: Any) -> str:
    return build_search_text(o.title, o.description, o.street, o.neighborhood, o.city)


class RealEstateFactory(DjangoModelFactory[RealEstate]):
    """A draft by a new collector; `status=` walks the workflow there (see the module docstring),
    `photos=` uploads that many photos first (one by default past `draft`)."""

    class Meta:
        model = RealEstate
        exclude = ("place",)

    place = factory.LazyFunction(lambda: randgen.choice(CITIES))
    kind = FuzzyChoice(Kind.values)
    purpose = FuzzyChoice([Purpose.SALE, Purpose.SALE, Purpose.RENT])
    title = factory.LazyAttribute(lambda o: f"{TITLES[o.kind]} em {o.neighborhood}")
    description = factory.Faker("paragraph", nb_sentences=3, locale="pt_BR")
    price = factory.LazyAttribute(_price)
    area_m2 = factory.LazyAttribute(_area)
    bedrooms = factory.LazyAttribute(_bedrooms)
    bathrooms = factory.LazyAttribute(lambda o: max(1, o.bedrooms - 1) if o.bedrooms else 1)
    parking_spaces = factory.LazyFunction(lambda: randgen.randint(0, 3))
    zip_code = factory.LazyAttribute(lambda o: o.place[2] + f"{randgen.randint(0, 999_999):06d}")
    street = factory.Faker("street_name", locale="pt_BR")
    number = factory.LazyFunction(lambda: str(randgen.randint(1, 3000)))
    complement = ""
    neighborhood = factory.Faker("bairro", locale="pt_BR")
    city = factory.LazyAttribute(lambda o: o.place[0])
    state = factory.LazyAttribute(lambda o: o.place[1])
    latitude = factory.LazyAttribute(lambda o: _near(o.place[3]))
    longitude = factory.LazyAttribute(lambda o: _near(o.place[4]))
    status = Status.DRAFT
    collected_by = factory.SubFactory(UserFactory)
    collected_by_name = factory.LazyAttribute(lambda o: o.collected_by.name if o.collected_by else "")
    search_text = factory.LazyAttribute(_search_text)
    # Not columns: how `create` gets there.
    photos = factory.LazyAttribute(lambda o: 0 if o.status == Status.DRAFT else 1)
    reviewed_by = None
    rejection_reason = REJECTION_REASON

    @classmethod
    def _build(cls, model_class: type[RealEstate], *args: Any, **kwargs: Any) -> RealEstate:
        if kwargs.pop("photos") or kwargs["status"] != Status.DRAFT:
            raise TypeError("RealEstateFactory.build() makes drafts without photos; create() the rest")
        kwargs["rejection_reason"] = ""
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class: type[RealEstate], *args: Any, **kwargs: Any) -> RealEstate:
        status = kwargs.pop("status")
        photos: int = kwargs.pop("photos")
        collector = kwargs.pop("collected_by")
        reviewer = kwargs.pop("reviewed_by")
        reason: str = kwargs.pop("rejection_reason")
        del kwargs["collected_by_name"], kwargs["search_text"]  # the services compute them
        not_editable = set(kwargs) - services.EDITABLE_FIELDS
        if not_editable:
            raise TypeError(f"{sorted(not_editable)}: only the services set these; pass status= or photos=")
        if status != Status.DRAFT and photos < 1:
            raise TypeError("nothing without a photo leaves draft (real_estate_submit refuses it)")
        erased = collector is None
        if erased:
            collector = UserFactory()
        if reviewer is None and status in REVIEWED_STATUSES:
            reviewer = UserFactory(role=Role.MANAGER)
        real_estate = services.real_estate_create(actor=collector, fields=kwargs)
        if photos:
            from tests.media.factories import PhotoFactory  # it builds on this module

            PhotoFactory.create_batch(photos, real_estate=real_estate)
        if status != Status.DRAFT:
            real_estate = services.real_estate_submit(real_estate=real_estate, actor=collector)
        if status in (Status.APPROVED, Status.ARCHIVED):
            real_estate = services.real_estate_approve(real_estate=real_estate, actor=reviewer)
        if status == Status.REJECTED:
            real_estate = services.real_estate_reject(real_estate=real_estate, actor=reviewer, reason=reason)
        if status == Status.ARCHIVED:
            real_estate = services.real_estate_archive(real_estate=real_estate, actor=reviewer)
        if erased:
            user_delete(user=collector, actor=None)
        real_estate.refresh_from_db()
        return real_estate
