"""Erasing a user keeps the events as facts and takes the person out of them."""

import json
import logging
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.sync.models import RealEstateChange
from apps.users.models import Role, User
from tests.audit.helpers import actions_about, all_events_text
from tests.conftest import bearer_client
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
CPF, NAME, EMAIL = "52998224725", "Joana Erasmo da Silva", "joana@example.com.br"


def real_estate_body() -> dict[str, Any]:
    return {
        "title": "Terreno", "kind": "land", "purpose": "sale", "price": "1.00", "area_m2": "300.00",
        "bedrooms": 0, "bathrooms": 0, "parking_spaces": 0,
        "address": {"zip_code": "01001000", "street": "Praça da Sé", "number": "1", "neighborhood": "Sé",
                    "city": "São Paulo", "state": "SP"},
    }  # fmt: skip


def test_an_erased_users_events_stay_without_their_name_cpf_or_email(admin_client: APIClient) -> None:
    signed_up = APIClient().post(
        f"{API}/sign-up", {"cpf": CPF, "name": NAME, "email": EMAIL, "password": "uma-senha-bem-longa-42"}
    )
    assert signed_up.status_code == 201
    user_id = signed_up.json()["id"]
    client = bearer_client(User.objects.get(pk=user_id))
    assert client.patch(f"{API}/users/me", {"name": NAME + " Souza"}).status_code == 200
    created = client.post(
        f"{API}/real-estates",
        {"title": "Terreno", "kind": "land", "purpose": "sale", "price": "1.00", "area_m2": "300.00",
         "bedrooms": 0, "bathrooms": 0, "parking_spaces": 0,
         "address": {"zip_code": "01001000", "street": "Praça da Sé", "number": "1", "neighborhood": "Sé",
                     "city": "São Paulo", "state": "SP"}},
    )  # fmt: skip
    assert created.status_code == 201, created.content

    assert client.delete(f"{API}/users/me").status_code == 200

    assert actions_about(user_id) == []  # the id now leads to nobody...
    (pseudonym,) = set(AuditEvent.objects.filter(target_type="user").values_list("target_id", flat=True))
    assert pseudonym.startswith("erased-")
    assert actions_about(pseudonym) == ["user.create", "user.update", "user.delete"]  # ...the story stays
    assert actions_about(created.json()["id"]) == ["real_estate.create"]
    assert not AuditEvent.objects.filter(actor_id__isnull=False).exists()
    assert AuditEvent.objects.filter(actor_erased=True).count() == 4
    stored = all_events_text()
    for personal in (CPF, "529.982.247", NAME, EMAIL, user_id):
        assert personal not in stored
    create, update, delete = AuditEvent.objects.filter(target_id=pseudonym).order_by("id")
    assert create.changes["name"] == [None, "[erased]"]
    assert create.changes["role"] == [None, "collector"]  # what is not personal stays
    assert update.changes == {"name": ["[erased]", "[erased]"]}
    assert delete.changes["email"] == ["[erased]", None]

    listed = admin_client.get(f"{API}/audit-events", {"target_id": pseudonym})
    assert listed.status_code == 200
    actors = {json.dumps(e["actor"]) for e in listed.json()["results"]}
    assert actors == {'{"id": null, "name": "deleted user"}'}
    assert len(listed.json()["results"]) == 3
    for personal in (CPF, NAME, EMAIL, user_id):
        assert personal not in listed.content.decode()


def test_an_admin_erasing_someone_keeps_the_admin_as_the_actor(
    admin_client: APIClient, admin_user: User
) -> None:
    target = UserFactory(role=Role.COLLECTOR, name=NAME)
    RealEstateFactory(collected_by=target)
    assert admin_client.delete(f"{API}/users/{target.pk}").status_code == 204

    event = AuditEvent.objects.get(target_type="user")
    assert (event.action, event.actor, event.actor_erased) == ("user.delete", admin_user, False)
    assert NAME not in all_events_text()
    listed = admin_client.get(f"{API}/audit-events").json()["results"]
    (listed,) = [item for item in listed if item["action"] == "user.delete"]
    assert listed["actor"] == {"id": str(admin_user.pk), "name": admin_user.name}


def test_an_erased_reviewers_id_is_replaced_in_what_they_reviewed(
    admin_client: APIClient, manager: User, collector: User
) -> None:
    submitted = RealEstateFactory(collected_by=collector, status="submitted", photos=1)
    url = f"{API}/real-estates/{submitted.pk}/reject"
    response = bearer_client(manager).post(url, {"reason": "Sem fotos"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="real_estate.reject")
    assert event.changes["reviewed_by"] == [None, str(manager.pk)]

    assert admin_client.delete(f"{API}/users/{manager.pk}").status_code == 204

    reject = AuditEvent.objects.get(action="real_estate.reject")
    assert reject.target_id == str(submitted.pk)  # a real estate's id is no one's
    assert (reject.actor, reject.actor_erased) == (None, True)
    pseudonym = AuditEvent.objects.get(action="user.delete").target_id
    assert reject.changes["reviewed_by"] == [None, pseudonym]
    assert reject.changes["rejection_reason"] == ["", "Sem fotos"]
    assert str(manager.pk) not in all_events_text()


def test_a_user_deleted_by_another_path_is_erased_from_the_trail_too(collector: User) -> None:
    from apps.users.services import user_update_profile

    user_update_profile(user=collector, name="Nome Antigo Apagado")
    user_id = str(collector.pk)
    collector.delete()  # a shell, a bulk delete: not the erasure service

    (event,) = AuditEvent.objects.all()
    assert (event.actor, event.actor_erased) == (None, True)
    assert event.target_id.startswith("erased-")
    text = all_events_text()
    for personal in ("Nome Antigo Apagado", user_id):
        assert personal not in text


def test_an_erased_reviewers_id_is_replaced_in_the_review_that_followed_theirs(
    admin_client: APIClient, manager: User, collector: User
) -> None:
    # Rejected by `manager`, edited and sent again by its collector, approved by another manager:
    # that approval's event holds `reviewed_by: [<manager>, <other>]`, an event `manager` did not make.
    rejected = RealEstateFactory(collected_by=collector, status="rejected", reviewed_by=manager, photos=1)
    client = bearer_client(collector)
    edited = client.patch(f"{API}/real-estates/{rejected.pk}", {"title": "Casa reformada"})
    assert edited.status_code == 200, edited.content
    assert client.post(f"{API}/real-estates/{rejected.pk}/submit").status_code == 200
    other = UserFactory(role=Role.MANAGER)
    assert bearer_client(other).post(f"{API}/real-estates/{rejected.pk}/approve").status_code == 200
    approve = AuditEvent.objects.get(action="real_estate.approve")
    assert approve.changes["reviewed_by"] == [str(manager.pk), str(other.pk)]

    assert admin_client.delete(f"{API}/users/{manager.pk}").status_code == 204

    pseudonym = AuditEvent.objects.get(action="user.delete").target_id
    approve.refresh_from_db()
    assert approve.changes["reviewed_by"] == [pseudonym, str(other.pk)]
    assert (approve.actor, approve.actor_erased) == (other, False)  # the approval is still theirs
    assert str(manager.pk) not in all_events_text()


def test_a_person_the_admin_made_renamed_and_erased_leaves_no_trace_in_the_trail_the_logs_or_the_sync_log(
    admin_user: User, caplog: pytest.LogCaptureFixture
) -> None:
    """Through the users admin end to end (its add page, a rename and an email change on the
    change form, the delete page) with the person collecting in between through the API: afterwards
    no audit event, admin log entry, application log record or sync log entry holds their name
    (old or new, JSON-escaped too), CPF (formatted or not) or email (old or new), and none but the
    application log their id."""
    caplog.set_level(logging.DEBUG)
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(admin_user)

    def post(url: str, data: dict[str, str]) -> None:
        staff.get(url)
        response = staff.post(url, {**data, "csrfmiddlewaretoken": staff.cookies["csrftoken"].value})
        assert response.status_code == 302, response.content.decode()[:2000]

    post(
        "/admin/users/user/add/",
        {"cpf": "529.982.247-25", "name": NAME, "email": EMAIL, "role": "collector",
         "password1": "uma-senha-bem-longa-42", "password2": "uma-senha-bem-longa-42"},
    )  # fmt: skip
    person = User.objects.get(cpf=CPF)
    created = bearer_client(person).post(f"{API}/real-estates", real_estate_body(), format="json")
    assert created.status_code == 201, created.content
    renamed, new_email = "Joana Apagável", "joana.nova@example.com.br"
    change = f"/admin/users/user/{person.pk}/change/"
    post(change, {"name": renamed, "email": new_email, "role": "collector", "is_active": "on"})
    post(f"/admin/users/user/{person.pk}/delete/", {"post": "yes"})

    assert not User.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(action="user.delete", actor=admin_user).exists()
    places = {
        "audit trail": all_events_text(),
        "admin log": json.dumps(list(LogEntry.objects.values("object_id", "object_repr", "change_message"))),
        "application log": "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records),
        "sync log": json.dumps(list(RealEstateChange.objects.values("collected_by_id")), default=str),
    }
    personal = (NAME, renamed, json.dumps(renamed)[1:-1], CPF, "529.982.247-25", EMAIL, new_email)
    for place, text in places.items():
        # The application log is written as things happen and names accounts by id (an access
        # log line, `user_deleted`): an id there leads to nobody once the row is gone.
        ids = () if place == "application log" else (str(person.pk), person.pk.hex)
        for value in (*personal, *ids):
            assert value not in text, (place, value)
