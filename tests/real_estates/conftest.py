"""Fixtures of the real-estates tests: real estates in each status, owned by `collector`."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.real_estates.models import RealEstate, RealEstateTransition
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory

MakeRealEstate = Callable[..., RealEstate]


@pytest.fixture
def staff(manager: User) -> Client:
    """A manager signed in to the admin."""
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def make_real_estate(collector: User, manager: User) -> MakeRealEstate:
    """`make_real_estate(status=..., **fields)`: collected by `collector`, reviewed by `manager`,
    brought to `status` by the services (tests/real_estates/factories.py)."""

    def make(**fields: Any) -> RealEstate:
        fields.setdefault("collected_by", collector)
        fields.setdefault("reviewed_by", manager)
        return RealEstateFactory(**fields)

    return make


def history_of(real_estate: RealEstate) -> list[tuple[str, str]]:
    return list(
        RealEstateTransition.objects.filter(real_estate=real_estate)
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )
