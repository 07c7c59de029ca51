"""Dates staff read in the pt-BR admin are written as Brazilian Portuguese writes them: the
month in lower case ("5 de dezembro de 2026"), as its orthography has it; Django's pt_BR
catalog capitalises the months."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.utils import formats, translation

from apps.users.models import Role
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

MONTHS = (
    *("janeiro", "fevereiro", "março", "abril", "maio", "junho"),
    *("julho", "agosto", "setembro", "outubro", "novembro", "dezembro"),
)


@pytest.mark.parametrize(("month", "name"), list(enumerate(MONTHS, start=1)))
def test_a_date_names_its_month_in_lower_case(month: int, name: str) -> None:
    with translation.override("pt-br"):
        written = formats.date_format(datetime(2026, month, 5, 13, 40, tzinfo=UTC), "DATETIME_FORMAT")
    assert written == f"5 de {name} de 2026 às 13:40"


def test_english_months_keep_their_capital() -> None:
    with translation.override("en"):
        assert formats.date_format(datetime(2026, 12, 5), "DATE_FORMAT") == "Dec. 5, 2026"


@pytest.mark.django_db
def test_a_change_page_and_the_date_hierarchy_write_the_month_as_portuguese_does() -> None:
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        real_estate = RealEstateFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(UserFactory(role=Role.MANAGER))

    change = client.get(f"/admin/real_estates/realestate/{real_estate.pk}/change/").content.decode()
    days = client.get("/admin/real_estates/realestate/?created_at__year=2026&created_at__month=3")

    assert "2 de março de 2026 às 15:00" in change
    assert "2 de Março" not in change
    assert ">2 de março</a>" in days.content.decode()
