"""Changes made in the admin and by commands are recorded like the API's; the audit trail in
the admin is read-only and filterable."""

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from apps.audit.models import AuditEvent
from apps.real_estates.models import Status
from apps.users.cpf import format_cpf
from apps.users.models import Role, User
from tests.audit.factories import AuditEventFactory
from tests.audit.helpers import events_about
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

REAL_ESTATES = "/admin/real_estates/realestate/"
EVENTS = "/admin/audit/auditevent/"


def csrf_client(user: User) -> Client:
    """A browser as staff use it: CSRF checks on, the token taken from the cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    return client


def post_with_csrf(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_an_admin_review_action_is_recorded_with_the_staff_member_and_request(
    manager: User, collector: User
) -> None:
    submitted = RealEstateFactory(collected_by=collector, status=Status.SUBMITTED, photos=1)
    client = csrf_client(manager)
    response = post_with_csrf(
        client, REAL_ESTATES, {"action": "reject_selected", "_selected_action": [str(submitted.pk)],
                               "reject": "Reject", "reason": "Endereço não confere"}
    )  # fmt: skip
    assert response.status_code == 302

    event = events_about(submitted)[-1]
    assert (event.action, event.actor_id) == ("real_estate.reject", manager.pk)
    assert event.changes["rejection_reason"] == ["", "Endereço não confere"]
    assert event.request_id


def test_an_admin_deletion_is_recorded(admin_user: User, collector: User) -> None:
    draft = RealEstateFactory(collected_by=collector)
    client = csrf_client(admin_user)
    response = post_with_csrf(client, f"{REAL_ESTATES}{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    last = events_about(draft.pk)[-1]
    assert (last.action, last.actor_id) == ("real_estate.delete", admin_user.pk)


def test_a_post_without_the_csrf_token_changes_and_records_nothing(manager: User, collector: User) -> None:
    submitted = RealEstateFactory(collected_by=collector, status=Status.SUBMITTED, photos=1)
    client = csrf_client(manager)
    data = {"action": "approve_selected", "_selected_action": [str(submitted.pk)]}
    recorded = AuditEvent.objects.count()
    response = client.post(REAL_ESTATES, data)
    assert response.status_code == 403
    assert AuditEvent.objects.count() == recorded
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_a_command_records_its_change_with_no_actor_and_no_request(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.LOCAL_ADMIN_BOOTSTRAP = True
    call_command("ensure_local_admin")

    admin = User.objects.get(role=Role.ADMIN)
    (event,) = events_about(admin)
    assert (event.action, event.actor, event.request_id) == ("user.create", None, None)
    assert event.changes["role"] == [None, "admin"]
    password = capsys.readouterr().out.split("password:")[1].split()[0]
    assert password not in str(event.changes)


USERS = "/admin/users/user/"
PASSWORD = "uma-senha-nova-bem-longa-7"


def test_the_users_admins_pages_record_their_events_and_never_a_password(admin_user: User) -> None:
    """The add page is a `user.create`, the change form a `user.deactivate` and the password page
    (set, then disabled) two `user.password_change` with no field; each by the staff member, with
    the request's id; neither the password nor its hash in any of them."""
    client = csrf_client(admin_user)
    client.get(f"{USERS}add/")
    created = post_with_csrf(
        client,
        f"{USERS}add/",
        {"cpf": "529.982.247-25", "name": "Nova Coletora", "email": "nova@example.com", "role": "collector",
         "password1": PASSWORD, "password2": PASSWORD},
    )  # fmt: skip
    assert created.status_code == 302, created.content.decode()[:2000]
    user = User.objects.get(cpf="52998224725")
    change = f"{USERS}{user.pk}/change/"
    client.get(change)
    form = {"name": user.name, "email": user.email, "role": user.role}  # `is_active` unticked
    assert post_with_csrf(client, change, form).status_code == 302
    password = f"{USERS}{user.pk}/password/"
    client.get(password)
    data = {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"}
    assert post_with_csrf(client, password, data).status_code == 302
    user.refresh_from_db()
    hashed = user.password
    data = {"usable_password": "false", "unset-password": "1"}
    assert post_with_csrf(client, password, data).status_code == 302

    events = events_about(user)
    assert [(e.action, e.actor_id) for e in events] == [
        ("user.create", admin_user.pk),
        ("user.deactivate", admin_user.pk),
        ("user.password_change", admin_user.pk),
        ("user.password_change", admin_user.pk),
    ]
    assert events[0].changes["cpf"] == [None, "52998224725"]
    assert events[1].changes == {"is_active": [True, False]}
    assert events[2].changes == events[3].changes == {}
    assert all(e.request_id for e in events)
    stored = str([e.changes for e in events])
    assert PASSWORD not in stored
    assert hashed not in stored
    assert "password" not in stored


# --- the audit trail in the admin -------------------------------------------------------------


def test_admins_list_and_filter_events_in_the_admin(admin_user: User) -> None:
    AuditEventFactory(action="real_estate.update")
    AuditEventFactory(action="photo.add", target_type="photo")
    client = csrf_client(admin_user)
    assert client.get(EVENTS).context["cl"].result_count == 2
    filtered = client.get(EVENTS, {"target_type__exact": "photo"})
    assert filtered.status_code == 200
    assert [e.action for e in filtered.context["cl"].result_list] == ["photo.add"]


@pytest.mark.parametrize("typed", ["digits", "formatted", "formatted with spaces"])
def test_events_are_found_by_their_actors_cpf_as_people_type_it(admin_user: User, typed: str) -> None:
    """As the users' search (and the sign-in) take a CPF: `529.982.247-25` found nothing here."""
    actor = UserFactory()
    AuditEventFactory(actor=actor)
    AuditEventFactory()
    search = {"digits": actor.cpf, "formatted": format_cpf(actor.cpf)}.get(
        typed, f" {format_cpf(actor.cpf)} "
    )

    found = csrf_client(admin_user).get(EVENTS, {"q": search}).context["cl"]

    assert [event.actor_id for event in found.result_list] == [actor.pk]


def test_nobody_adds_edits_or_deletes_an_event_in_the_admin(admin_user: User) -> None:
    event = AuditEventFactory(changes={"title": ["Casa", "Casa térrea"]})
    client = csrf_client(admin_user)
    page = client.get(f"{EVENTS}{event.pk}/change/")
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    assert post_with_csrf(client, f"{EVENTS}{event.pk}/change/", {"action": "x"}).status_code == 403
    assert post_with_csrf(client, f"{EVENTS}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{EVENTS}add/").status_code == 403
    bulk = post_with_csrf(client, EVENTS, {"action": "delete_selected", "_selected_action": [str(event.pk)]})
    assert bulk.status_code in (200, 302)
    event.refresh_from_db()
    assert event.changes == {"title": ["Casa", "Casa térrea"]}


def test_managers_cannot_read_the_audit_trail_in_the_admin(manager: User) -> None:
    AuditEventFactory()
    assert csrf_client(manager).get(EVENTS).status_code == 403


def test_the_admin_shows_an_erased_actor_as_a_deleted_user(admin_user: User) -> None:
    AuditEventFactory(actor=None, actor_erased=True)
    assert "deleted user" in csrf_client(admin_user).get(EVENTS).content.decode()


def test_another_staff_member_is_shown_by_name(admin_user: User) -> None:
    AuditEventFactory(actor=UserFactory(name="Fulana Revisora"))
    assert "Fulana Revisora" in csrf_client(admin_user).get(EVENTS).content.decode()


def test_the_audit_list_speaks_portuguese_to_a_portuguese_browser(admin_user: User) -> None:
    AuditEventFactory(actor=admin_user)
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(admin_user)

    page = client.get(EVENTS).content.decode()

    assert "Id exato do alvo, id da requisição ou CPF do ator." in page
    assert ">Ator</a>" in page


def test_an_events_page_shows_the_action_fields_help_as_text(admin_user: User) -> None:
    """The help of `action` is `<target type>.<verb>`: the admin prints a field's help as HTML, so
    the browser took both for tags and showed only "`.`"."""
    event = AuditEventFactory()

    page = csrf_client(admin_user).get(f"{EVENTS}{event.pk}/change/").content.decode()

    assert "`&lt;target type&gt;.&lt;verb&gt;`" in page
