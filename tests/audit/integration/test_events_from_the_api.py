"""Every write made over HTTP leaves one audit event: who, what, on which record, the changed
fields with before and after values, the request id. Never a password, hash or token."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.real_estates.models import RealEstate, Status
from apps.users.models import Role, User
from tests.audit.helpers import actions_about, all_events_text, events_about
from tests.conftest import bearer_client
from tests.media import samples
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import PAYLOAD
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
REQUEST_ID = "audit-test-0123456789"
NEW_PASSWORD = "outra-senha-bem-longa-43"


def only_event(target: Any) -> AuditEvent:
    events = events_about(target)
    assert len(events) == 1, [e.action for e in events]
    return events[0]


# --- users ------------------------------------------------------------------------------------


def test_a_sign_up_is_recorded_as_a_creation_by_the_new_user_with_the_request_id(
    api_client: APIClient,
) -> None:
    response = api_client.post(
        f"{API}/sign-up",
        {"cpf": "529.982.247-25", "name": "Maria da Silva", "password": "uma-senha-bem-longa-42"},
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )
    assert response.status_code == 201

    event = only_event(response.json()["id"])
    assert (event.action, event.target_type) == ("user.create", "user")
    assert str(event.actor_id) == response.json()["id"]
    assert event.request_id == REQUEST_ID
    assert event.changes == {
        "cpf": [None, "52998224725"],
        "name": [None, "Maria da Silva"],
        "role": [None, "collector"],
        "is_active": [None, True],
    }
    assert "uma-senha-bem-longa-42" not in all_events_text()
    assert User.objects.get().password not in all_events_text()


def test_an_admin_creating_a_user_is_the_actor(admin_client: APIClient, admin_user: User) -> None:
    response = admin_client.post(
        f"{API}/users",
        {"cpf": "52998224725", "name": "Gerente Nova", "password": "uma-senha-longa-42", "role": "manager"},
    )
    assert response.status_code == 201
    event = only_event(response.json()["id"])
    assert (event.action, event.actor_id) == ("user.create", admin_user.pk)
    assert event.changes["role"] == [None, "manager"]


def test_a_role_change_and_a_deactivation_record_before_and_after(
    admin_client: APIClient, admin_user: User
) -> None:
    target = UserFactory(role=Role.COLLECTOR)
    url = f"{API}/users/{target.pk}"
    assert admin_client.patch(url, {"role": "manager"}).status_code == 200
    assert admin_client.patch(url, {"is_active": False}).status_code == 200
    assert admin_client.patch(url, {"is_active": True, "name": "Nome Novo"}).status_code == 200

    role, deactivation, activation = events_about(target)
    assert (role.action, role.actor_id) == ("user.role_change", admin_user.pk)
    assert role.changes == {"role": ["collector", "manager"]}
    assert (deactivation.action, deactivation.changes) == ("user.deactivate", {"is_active": [True, False]})
    assert activation.action == "user.activate"
    assert activation.changes == {"name": [target.name, "Nome Novo"], "is_active": [False, True]}


def test_a_profile_edit_is_recorded_by_its_owner_and_a_no_op_records_nothing(
    collector_client: APIClient, collector: User
) -> None:
    assert collector_client.patch(f"{API}/users/me", {"email": "nova@example.com.br"}).status_code == 200
    assert collector_client.patch(f"{API}/users/me", {"email": "nova@example.com.br"}).status_code == 200

    event = only_event(collector)
    assert (event.action, event.actor_id) == ("user.update", collector.pk)
    assert event.changes == {"email": [collector.email, "nova@example.com.br"]}


def test_a_password_change_is_recorded_without_any_password_or_hash(collector: User) -> None:
    client = bearer_client(collector)
    old_hash = collector.password
    response = client.post(
        f"{API}/users/me/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204

    event = only_event(collector)
    assert (event.action, event.actor_id, event.changes) == ("user.password_change", collector.pk, {})
    collector.refresh_from_db()
    text = all_events_text()
    for secret in (DEFAULT_PASSWORD, NEW_PASSWORD, old_hash, collector.password, "argon2"):
        assert secret not in text


def test_an_admin_deleting_a_user_is_recorded(admin_client: APIClient, admin_user: User) -> None:
    target = UserFactory(role=Role.MANAGER)
    assert admin_client.delete(f"{API}/users/{target.pk}").status_code == 204
    (event,) = AuditEvent.objects.filter(target_type="user")  # its id is a pseudonym now (erasure)
    assert (event.action, event.actor_id) == ("user.delete", admin_user.pk)
    assert event.changes["role"] == ["manager", None]


# --- real estates -----------------------------------------------------------------------------


def test_a_real_estates_whole_life_is_one_event_per_change(
    collector_client: APIClient,
    manager_client: APIClient,
    collector: User,
    manager: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    created = collector_client.post(f"{API}/real-estates", PAYLOAD, format="json")
    assert created.status_code == 201, created.content
    url = f"{API}/real-estates/{created.json()['id']}"
    with django_capture_on_commit_callbacks(execute=True):
        photo = collector_client.post(
            f"{url}/photos",
            {"file": SimpleUploadedFile("a.png", samples.image_bytes("PNG"))},
            format="multipart",
        )
    assert photo.status_code == 201, photo.content
    assert collector_client.patch(url, {"price": "340000.00"}).status_code == 200
    assert collector_client.post(f"{url}/submit").status_code == 200
    assert manager_client.post(f"{url}/reject", {"reason": "Fotos escuras"}).status_code == 200
    assert collector_client.patch(url, {"title": "Casa térrea no Itaím"}).status_code == 200
    assert collector_client.post(f"{url}/submit").status_code == 200
    assert manager_client.post(f"{url}/approve").status_code == 200
    assert manager_client.post(f"{url}/archive").status_code == 200

    real_estate = RealEstate.objects.get()
    assert actions_about(real_estate) == [
        "real_estate.create",
        "real_estate.update",
        "real_estate.submit",
        "real_estate.reject",
        "real_estate.update",
        "real_estate.submit",
        "real_estate.approve",
        "real_estate.archive",
    ]
    create, price, submit, reject, reopen, _, approve, archive = events_about(real_estate)
    assert create.actor_id == collector.pk
    assert create.changes["title"] == [None, "Casa no Itaím"]
    assert create.changes["price"] == [None, "350000.00"]
    assert create.changes["status"] == [None, "draft"]
    assert price.changes == {"price": ["350000.00", "340000.00"]}
    assert submit.changes == {"status": ["draft", "submitted"]}
    assert reject.actor_id == manager.pk
    assert reject.changes["status"] == ["submitted", "rejected"]
    assert reject.changes["rejection_reason"] == ["", "Fotos escuras"]
    assert reject.changes["reviewed_by"] == [None, str(manager.pk)]
    assert reopen.changes == {
        "title": ["Casa no Itaím", "Casa térrea no Itaím"],
        "status": ["rejected", "draft"],
    }
    assert approve.changes["rejection_reason"] == ["Fotos escuras", ""]
    assert archive.changes == {"status": ["approved", "archived"]}
    assert real_estate.status == Status.ARCHIVED


def test_deleting_a_real_estate_records_its_last_values(collector_client: APIClient, collector: User) -> None:
    draft = RealEstateFactory(collected_by=collector, price=Decimal("1000.00"))
    assert collector_client.delete(f"{API}/real-estates/{draft.pk}").status_code == 204
    event = events_about(draft.pk)[-1]
    assert (event.action, event.target_type) == ("real_estate.delete", "real_estate")
    assert event.actor_id == collector.pk
    assert event.changes["price"] == ["1000.00", None]
    assert event.changes["title"] == [draft.title, None]


# --- photos -----------------------------------------------------------------------------------


def test_adding_reordering_captioning_and_deleting_photos_are_recorded(
    collector_client: APIClient, collector: User, django_capture_on_commit_callbacks: Any
) -> None:
    draft = RealEstateFactory(collected_by=collector)
    url = f"{API}/real-estates/{draft.pk}/photos"
    ids = []
    for width in (10, 11):
        with django_capture_on_commit_callbacks(execute=True):
            response = collector_client.post(
                url, {"file": SimpleUploadedFile("p.png", samples.image_bytes("PNG", size=(width, 10))),
                      "caption": "Fachada"}, format="multipart",
            )  # fmt: skip
        assert response.status_code == 201
        ids.append(response.json()["id"])
    same_bytes = collector_client.post(
        url,
        {"file": SimpleUploadedFile("p.png", samples.image_bytes("PNG", size=(10, 10)))},
        format="multipart",
    )
    assert same_bytes.status_code == 200  # the existing photo: nothing changed, nothing recorded
    assert collector_client.patch(f"{url}/{ids[1]}", {"position": 0}).status_code == 200
    assert collector_client.patch(f"{url}/{ids[1]}", {"caption": "Sala"}).status_code == 200
    assert collector_client.delete(f"{url}/{ids[0]}").status_code == 204

    assert actions_about(ids[0]) == ["photo.add", "photo.delete"]
    assert actions_about(ids[1]) == ["photo.add", "photo.reorder", "photo.caption"]
    added, reordered, captioned = events_about(ids[1])
    assert added.actor_id == collector.pk
    assert added.changes["caption"] == [None, "Fachada"]
    assert added.changes["position"] == [None, 1]
    assert added.changes["real_estate"] == [None, str(draft.pk)]
    assert reordered.changes == {"position": [1, 0]}
    assert captioned.changes == {"caption": ["Fachada", "Sala"]}
    deleted = events_about(ids[0])[1]
    assert deleted.changes["caption"] == ["Fachada", None]
    assert {e.target_type for e in AuditEvent.objects.filter(action__startswith="photo.")} == {"photo"}


def test_a_photo_added_to_a_rejected_real_estate_records_its_return_to_draft(
    collector_client: APIClient,
    manager_client: APIClient,
    collector: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    draft = RealEstateFactory(collected_by=collector)
    url = f"{API}/real-estates/{draft.pk}"

    def add_photo(width: int) -> Any:
        image = SimpleUploadedFile("p.png", samples.image_bytes("PNG", size=(width, 10)))
        with django_capture_on_commit_callbacks(execute=True):
            return collector_client.post(f"{url}/photos", {"file": image}, format="multipart")

    assert add_photo(10).status_code == 201
    assert collector_client.post(f"{url}/submit").status_code == 200
    assert manager_client.post(f"{url}/reject", {"reason": "Fotos"}).status_code == 200
    response = add_photo(11)
    assert response.status_code == 201

    assert actions_about(draft)[-1] == "real_estate.update"
    event = events_about(draft)[-1]
    assert (event.actor_id, event.changes) == (collector.pk, {"status": ["rejected", "draft"]})
    assert actions_about(response.json()["id"]) == ["photo.add"]
