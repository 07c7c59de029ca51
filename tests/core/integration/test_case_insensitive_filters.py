"""The case-insensitive filters fold every letter, as PostgreSQL does: the real estates' `city` and
`q`, the users' `search` (in the API and in the admin's user list), and the check that an e-mail
is free. Accents are not folded by `city`
and `search` (by `q` they are). The suite runs this module on PostgreSQL;
`test_case_insensitive_filters_on_sqlite` runs it again on SQLite, the embedded default, whose
lower() and LIKE fold ASCII letters only.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.core.unicode_case import unicode_lower, unicode_upper
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CITIES = ("São Paulo", "SÃO PAULO", "Sao Paulo", "Águas Lindas de Goiás", "ÁGUAS LINDAS DE GOIÁS")
NAMES = ("Ana Quixabeirão", "ANA QUIXABEIRÃO", "Ana Quixabeirao", "Íris Quixabeira")


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ("são paulo", {"São Paulo", "SÃO PAULO"}),
        ("SÃO PAULO", {"São Paulo", "SÃO PAULO"}),
        ("São paulo", {"São Paulo", "SÃO PAULO"}),
        ("SAO PAULO", {"Sao Paulo"}),
        ("águas lindas de goiás", {"Águas Lindas de Goiás", "ÁGUAS LINDAS DE GOIÁS"}),
        ("Águas Lindas", set()),
    ],
)
def test_the_city_filter_folds_every_letter(manager_client: APIClient, asked: str, found: set[str]) -> None:
    made = {str(RealEstateFactory(collected_by=None, city=city).pk): city for city in CITIES}
    response = manager_client.get("/api/v1/real-estates", {"city": asked})
    assert response.status_code == 200, response.json()
    assert {made[item["id"]] for item in response.json()["results"]} == found


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ("quixabeirão", {"Ana Quixabeirão", "ANA QUIXABEIRÃO"}),
        ("QUIXABEIRÃO", {"Ana Quixabeirão", "ANA QUIXABEIRÃO"}),
        ("QUIXABEIRAO", {"Ana Quixabeirao"}),
        ("íris", {"Íris Quixabeira"}),
        ("ÍRIS QUIX", {"Íris Quixabeira"}),
        ("s qu", {"Íris Quixabeira"}),
    ],
)
def test_the_user_search_folds_every_letter(admin_client: APIClient, asked: str, found: set[str]) -> None:
    made = {str(UserFactory(name=name).pk): name for name in NAMES}
    response = admin_client.get("/api/v1/users", {"search": asked, "page_size": 100})
    assert response.status_code == 200, response.json()
    assert {made[item["id"]] for item in response.json()["results"] if item["id"] in made} == found


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ("quixabeirão", {"Ana Quixabeirão", "ANA QUIXABEIRÃO"}),
        ("íris", {"Íris Quixabeira"}),
        ("@águas.com", {"Ana Quixabeirao"}),
    ],
)
def test_the_admins_user_search_folds_every_letter(asked: str, found: set[str]) -> None:
    made = {UserFactory(name=name).pk: name for name in NAMES}
    User.objects.filter(name="Ana Quixabeirao").update(email="ana@ÁGUAS.com.br")
    admin = UserFactory(role=Role.ADMIN, name="Staff")
    client = Client()
    assert client.login(username=admin.cpf, password=DEFAULT_PASSWORD)
    response = client.get("/admin/users/user/", {"q": asked})
    assert response.status_code == 200
    assert {made[user.pk] for user in response.context["cl"].result_list if user.pk in made} == found


def test_an_email_is_taken_whatever_the_case_of_its_letters() -> None:
    """The check before the unique index `lower(email)` (the admin's form, the services)."""
    ana = UserFactory(email="ana@quixabeirão.com.br")
    assert list(User.objects.with_email("ana@QUIXABEIRÃO.com.br")) == [ana]
    assert list(User.objects.with_email("ana@quixabeirao.com.br")) == []


def test_q_folds_every_letter_and_accent(manager_client: APIClient) -> None:
    words = ("Jequitibá", "JEQUITIBÁ")
    made = {str(RealEstateFactory(collected_by=None, title=f"Casa {word}").pk): word for word in words}
    response = manager_client.get("/api/v1/real-estates", {"q": "jequitiba"})
    assert response.status_code == 200, response.json()
    assert {made[item["id"]] for item in response.json()["results"]} == set(words)


def test_sqlites_functions_map_each_character_to_one() -> None:
    """As PostgreSQL's lower() and upper() (the C library's towlower and towupper), not Python's."""
    assert unicode_lower(None) is None
    assert unicode_upper(None) is None
    assert unicode_lower("SÃO PAULO") == "são paulo"
    assert unicode_lower("İSTANBUL ΟΔΟΣ") == "istanbul οδοσ"
    assert unicode_upper("são paulo") == "SÃO PAULO"
    assert unicode_upper("straße ᾳ") == "STRAßE ᾼ"
