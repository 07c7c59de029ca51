"""The review dashboard's totals agree in number with their counts, in each language."""

import pytest
from django.test import Client

from apps.real_estates.models import Status
from apps.users.models import Role
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "totals"),
    [("pt-BR", "2 envios, 1 revisão."), ("en", "2 submissions, 1 review.")],
)
def test_the_activity_totals_agree_with_their_counts(language: str, totals: str) -> None:
    """It read "1 envios, 0 revisões" (and "1 submissions") whatever the counts."""
    RealEstateFactory(status=Status.SUBMITTED, photos=1)
    RealEstateFactory(status=Status.APPROVED, photos=1)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(UserFactory(role=Role.MANAGER))

    response = client.get("/admin/dashboard/")

    assert response.status_code == 200
    assert f"<p>{totals}</p>" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "submitted", "reviewed"),
    [("pt-BR", "2 envios", "1 revisão"), ("en", "2 submissions", "1 review")],
)
def test_the_activity_chart_names_each_days_counts_in_agreement(
    language: str, submitted: str, reviewed: str
) -> None:
    """A column's tooltip read "05/12: 1 envios" (the series' name after any count)."""
    RealEstateFactory(status=Status.SUBMITTED, photos=1)
    RealEstateFactory(status=Status.APPROVED, photos=1)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(UserFactory(role=Role.MANAGER))

    chart = client.get("/admin/dashboard/").content.decode()

    assert f": {submitted}</title>" in chart
    assert f": {reviewed}</title>" in chart
