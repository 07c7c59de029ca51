"""Fixtures of the real-estates tests: real estates in each status, owned by `collector`."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from apps.real_estates.models import RealEstate, RealEstateTransition, Status
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory

MakeRealEstate = Callable[..., RealEstate]


@pytest.fixture
def make_real_estate(collector: User, manager: User) -> MakeRealEstate:
    """`make_real_estate(status=..., **fields)`: review fields set as the status implies."""

    def make(status: str = Status.DRAFT, **fields: Any) -> RealEstate:
        fields.setdefault("collected_by", collector)
        if status in (Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.ARCHIVED):
            fields.setdefault("photo_count", 1)
        if status in (Status.APPROVED, Status.REJECTED, Status.ARCHIVED):
            fields.setdefault("reviewed_by", manager)
            fields.setdefault("reviewed_at", timezone.now())
        if status == Status.REJECTED:
            fields.setdefault("rejection_reason", "Fotos escuras")
        return RealEstateFactory(status=status, **fields)

    return make


def history_of(real_estate: RealEstate) -> list[tuple[str, str]]:
    return list(
        RealEstateTransition.objects.filter(real_estate=real_estate)
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )
