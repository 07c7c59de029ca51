"""The collector's name each real estate keeps for the list: right after every path that renames a
user (the API and the admin, both through the users services, which own the copy: ADR 0012), and
gone with the user (LGPD)."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.core import errors
from apps.real_estates import services as real_estate_services
from apps.real_estates.models import RealEstate
from apps.users import services as user_services
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import PAYLOAD
from tests.threads import waiting_for
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("real-estate-list")
FIELDS = {"title": "Casa", "kind": "house", "purpose": "sale", "price": 1, "area_m2": 10,
          "zip_code": "01001000", "street": "Praça da Sé", "number": "1", "neighborhood": "Sé",
          "city": "São Paulo", "state": "SP"}  # fmt: skip


def listed_names(client: APIClient) -> dict[str, str | None]:
    return {
        item["id"]: item["collected_by"] and item["collected_by"]["name"]
        for item in client.get(LIST_URL).json()["results"]
    }


def test_a_created_real_estate_carries_its_collectors_name(
    collector_client: APIClient, collector: User, manager_client: APIClient
) -> None:
    created = collector_client.post(LIST_URL, PAYLOAD, format="json").json()

    assert RealEstate.objects.get(pk=created["id"]).collected_by_name == collector.name
    assert listed_names(manager_client)[created["id"]] == collector.name


def test_renaming_oneself_renames_every_real_estate_one_collected(
    collector_client: APIClient, collector: User, manager_client: APIClient
) -> None:
    mine = RealEstateFactory.create_batch(3, collected_by=collector)
    theirs = RealEstateFactory()

    response = collector_client.patch("/api/v1/users/me", {"name": "Joana Prado Renomeada"})

    assert response.status_code == 200
    names = listed_names(manager_client)
    assert [names[str(r.pk)] for r in mine] == ["Joana Prado Renomeada"] * 3
    assert names[str(theirs.pk)] == theirs.collected_by.name


def test_an_admin_renaming_a_user_in_the_admin_renames_their_real_estates() -> None:
    admin = UserFactory(role=Role.ADMIN)
    collector = UserFactory(role=Role.COLLECTOR, email="")
    real_estate = RealEstateFactory(collected_by=collector)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = f"/admin/users/user/{collector.pk}/change/"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode())
    assert csrf is not None

    response = client.post(
        url,
        {
            "name": "Nome Novo Pelo Admin",
            "email": "",
            "role": "collector",
            "is_active": "on",
            "csrfmiddlewaretoken": csrf.group(1),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    real_estate.refresh_from_db()
    assert real_estate.collected_by_name == "Nome Novo Pelo Admin"


def test_saves_that_cannot_rename_write_no_real_estate(admin_user: User, collector: User) -> None:
    RealEstateFactory(collected_by=collector)

    with CaptureQueriesContext(connection) as queries:
        user_services.user_change_password(
            user=collector, current_password=DEFAULT_PASSWORD, new_password="Outra-Senha-Forte-42"
        )
        user_services.user_update(user=collector, actor=admin_user, role=Role.MANAGER)

    assert len(queries) > 2  # both saved
    assert not [q for q in queries.captured_queries if "real_estates_realestate" in q["sql"]]


def test_deleting_a_collector_in_the_admin_leaves_nothing_of_their_name(admin_user: User) -> None:
    collector = UserFactory(role=Role.COLLECTOR, name="Sicrano Apagado Pelo Admin")
    real_estate = RealEstateFactory(collected_by=collector)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = f"/admin/users/user/{collector.pk}/delete/"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode())
    assert csrf is not None

    assert client.post(url, {"post": "yes", "csrfmiddlewaretoken": csrf.group(1)}).status_code == 302

    real_estate.refresh_from_db()
    assert (real_estate.collected_by_id, real_estate.collected_by_name) == (None, "")


def test_deleting_a_collector_leaves_nothing_of_their_name_on_their_real_estates(
    admin_user: User, manager_client: APIClient
) -> None:
    collector = UserFactory(role=Role.COLLECTOR, name="Fulano Apagavel da Silva")
    kept = RealEstateFactory.create_batch(2, collected_by=collector)

    user_services.user_delete(user=collector, actor=admin_user)

    rows = RealEstate.objects.filter(pk__in=[r.pk for r in kept]).values_list(
        "collected_by_id", "collected_by_name"
    )
    assert list(rows) == [(None, ""), (None, "")]
    assert not RealEstate.objects.filter(collected_by_name__contains="Apagavel").exists()
    assert set(listed_names(manager_client).values()) == {None}


def test_the_migration_gives_existing_real_estates_their_collectors_names() -> None:
    real_estate = RealEstateFactory()
    orphan = RealEstateFactory(collected_by=None)
    RealEstate.objects.update(collected_by_name="")  # as before the migration

    import_module("apps.real_estates.migrations.0006_listing_denormalised").fill_listing_columns(apps, None)

    real_estate.refresh_from_db()
    orphan.refresh_from_db()
    assert (real_estate.collected_by_name, orphan.collected_by_name) == (real_estate.collected_by.name, "")


@pytest.mark.django_db(transaction=True)
def test_a_create_racing_a_rename_carries_the_new_name() -> None:
    """The rename commits while the create is under way: the new row gets the new name, whichever
    reads first (the create waits for the rename's lock on the user row, or the reverse)."""
    collector = UserFactory(role=Role.COLLECTOR, name="Nome Antigo")
    admin = UserFactory(role=Role.ADMIN)

    # The create starts with the old name in hand while the rename is open, and waits on the user row.
    created = waiting_for(
        lambda: user_services.user_update(user=collector, actor=admin, name="Nome Novo"),
        lambda: real_estate_services.real_estate_create(actor=collector, fields=FIELDS),
    )

    assert isinstance(created, RealEstate), created
    assert RealEstate.objects.get(pk=created.pk).collected_by_name == "Nome Novo"


def test_a_create_by_a_user_erased_meanwhile_is_refused(collector: User) -> None:
    User.objects.filter(pk=collector.pk).delete()
    with pytest.raises(errors.AuthenticationFailed):
        real_estate_services.real_estate_create(actor=collector, fields=FIELDS)
    assert not RealEstate.objects.exists()
