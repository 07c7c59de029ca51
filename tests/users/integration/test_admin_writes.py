"""The users admin is not a second write path (ADR 0012): what its forms and actions change goes
through the services, so tokens die and erasure is complete exactly as through the API.

Driven as staff drive it: a CSRF-checking client fetches each page and posts its form back with
the page's token; the tokens under test are then used against the API over HTTP."""

import json
import re
from typing import Any

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.core import errors
from apps.real_estates.models import RealEstate
from apps.users import services
from apps.users.admin import ERASED
from apps.users.cpf import format_cpf
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, error_of, sign_in

pytestmark = pytest.mark.django_db

USERS = "/admin/users/user/"
NEW_PASSWORD = "uma-senha-nova-bem-longa-7"


def staff(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def submit(client: Client, url: str, data: dict[str, Any], *, page: str | None = None) -> Any:
    """GETs `page` (default `url`) for its CSRF token, then POSTs `data` to `url` with it."""
    shown = client.get(page or url)
    assert shown.status_code == 200, shown.status_code
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown.content.decode())
    assert found is not None
    return client.post(url, {**data, "csrfmiddlewaretoken": found.group(1)})


def change_form(user: User, **overrides: Any) -> dict[str, Any]:
    data = {"name": user.name, "email": user.email or "", "role": user.role}
    if user.is_active:
        data["is_active"] = "on"
    data.update(overrides)
    return data


def run_action(client: Client, action: str, users: list[User], **extra: str) -> Any:
    data = {"action": action, "_selected_action": [str(u.pk) for u in users], "select_across": "0", **extra}
    return submit(client, USERS, data)


def assert_tokens_dead(tokens: dict[str, Any]) -> None:
    """The next API call with the access token is a 401 and the refresh token is refused."""
    assert bearer(tokens["token"]).get("/api/v1/users/me").status_code == 401
    refreshed = APIClient().post("/api/v1/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401
    assert error_of(refreshed)["code"] == "TOKEN_INVALID"


def messages_on(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def admin(db: None) -> User:
    return UserFactory(role=Role.ADMIN, name="Admin Principal")


# --- tokens die with the change, whatever admin page makes it ------------------------------------


def test_deactivating_in_the_admin_form_revokes_the_users_tokens(admin: User) -> None:
    target = UserFactory()
    tokens = sign_in(APIClient(), target)
    url = f"{USERS}{target.pk}/change/"

    response = submit(staff(admin), url, change_form(target, is_active=""))

    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.is_active is False
    assert_tokens_dead(tokens)


def test_a_role_change_in_the_admin_form_revokes_the_refresh_token_and_the_old_rights(admin: User) -> None:
    target = UserFactory(role=Role.MANAGER)
    tokens = sign_in(APIClient(), target)
    assert bearer(tokens["token"]).get("/api/v1/users").status_code == 200

    response = submit(staff(admin), f"{USERS}{target.pk}/change/", change_form(target, role="collector"))

    assert response.status_code == 302, response.content.decode()[:2000]
    refreshed = APIClient().post("/api/v1/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert error_of(refreshed)["code"] == "TOKEN_INVALID"
    assert error_of(bearer(tokens["token"]).get("/api/v1/users"))["code"] == "TOKEN_INVALID"


def test_setting_a_password_in_the_admin_revokes_the_users_tokens(admin: User) -> None:
    target = UserFactory()
    tokens = sign_in(APIClient(), target)

    response = submit(
        staff(admin),
        f"{USERS}{target.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert_tokens_dead(tokens)
    assert sign_in(APIClient(), target, NEW_PASSWORD)["token"]


def test_disabling_password_sign_in_in_the_admin_revokes_the_users_tokens(admin: User) -> None:
    target = UserFactory()
    tokens = sign_in(APIClient(), target)

    response = submit(
        staff(admin), f"{USERS}{target.pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert_tokens_dead(tokens)
    signed_in = APIClient().post("/api/v1/sign-in", {"cpf": target.cpf, "password": DEFAULT_PASSWORD})
    assert signed_in.status_code == 401


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_admins_own_password_page_is_the_one_that_asks_for_the_current_password(
    admin: User, method: str
) -> None:
    """As in the API (`POST /users/me/password`), one's own password changes only with the current
    one: the staff page that sets a password without it sends an admin to that page instead, so a
    session left open is no way to take the account over."""
    client = staff(admin)
    tokens = sign_in(APIClient(), admin)
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}

    url = f"{USERS}{admin.pk}/password/"
    # A page opened on the user's change form, whose CSRF token the POST carries.
    response = (
        submit(client, url, data, page=f"{USERS}{admin.pk}/change/") if method == "post" else client.get(url)
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/password_change/"
    admin.refresh_from_db()
    assert admin.check_password(DEFAULT_PASSWORD)
    assert bearer(tokens["token"]).get("/api/v1/users/me").status_code == 200
    assert not LogEntry.objects.filter(object_id=str(admin.pk)).exists()


def test_the_service_refuses_to_set_ones_own_password_without_the_current_one(admin: User) -> None:
    with pytest.raises(errors.OwnPasswordNeedsCurrent):
        services.user_set_password(user=admin, actor=admin, password=NEW_PASSWORD)
    with pytest.raises(errors.OwnPasswordNeedsCurrent):
        services.user_set_password(user=admin, actor=admin, password=None)
    admin.refresh_from_db()
    assert admin.check_password(DEFAULT_PASSWORD)


def test_the_bulk_deactivation_revokes_every_selected_users_tokens(admin: User) -> None:
    targets = UserFactory.create_batch(2)
    tokens = [sign_in(APIClient(), target) for target in targets]

    response = run_action(staff(admin), "deactivate_selected", targets)

    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[t.pk for t in targets], is_active=True).exists()
    for pair in tokens:
        assert_tokens_dead(pair)


def test_the_bulk_role_change_revokes_every_selected_users_tokens(admin: User) -> None:
    targets = UserFactory.create_batch(2, role=Role.COLLECTOR)
    tokens = [sign_in(APIClient(), target) for target in targets]

    response = run_action(staff(admin), "change_role_of_selected", targets, role="manager")

    assert response.status_code == 302
    assert set(User.objects.filter(pk__in=[t.pk for t in targets]).values_list("role", flat=True)) == {
        "manager"
    }
    for pair in tokens:
        refreshed = APIClient().post("/api/v1/token/refresh", {"refresh": pair["refresh"]}, format="json")
        assert refreshed.status_code == 401
        assert bearer(pair["token"]).get("/api/v1/real-estates").status_code == 401


def test_the_bulk_activation_brings_an_account_back(admin: User) -> None:
    target = UserFactory(is_active=False)

    run_action(staff(admin), "activate_selected", [target])

    target.refresh_from_db()
    assert target.is_active is True
    assert sign_in(APIClient(), target)["token"]


def test_creating_a_user_in_the_admin_goes_through_the_service(admin: User) -> None:
    response = submit(
        staff(admin),
        f"{USERS}add/",
        {
            "cpf": "529.982.247-25",
            "name": "Nova Coletora",
            "email": " Nova@Example.COM ",
            "role": "collector",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(cpf="52998224725")
    assert response["Location"] == f"{USERS}{created.pk}/change/"
    assert created.email == "Nova@example.com"  # the service's normalisation
    assert LogEntry.objects.get(object_id=str(created.pk)).is_addition()
    assert sign_in(APIClient(), created, NEW_PASSWORD)["token"]


def test_the_cpf_input_of_a_new_user_takes_a_cpf_with_stray_spaces_as_the_api_does(admin: User) -> None:
    """The add page's CPF input let a browser type 14 characters, so ` 529.982.247-25 ` (pasted
    with its spaces, as the API and the sign-in page take it) was cut to ` 529.982.247-2`."""
    typed = " 529.982.247-25 "
    client = staff(admin)
    page = client.get(f"{USERS}add/").content.decode()
    tag = re.search(r'<input[^>]* name="cpf"[^>]*>', page)
    assert tag is not None
    limit = re.search(r'maxlength="([0-9]+)"', tag.group())
    assert limit is None or len(typed) <= int(limit.group(1))

    response = submit(
        client,
        f"{USERS}add/",
        {
            "cpf": typed,
            "name": "Nova Coletora",
            "role": "collector",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(cpf="52998224725").exists()


def test_an_email_taken_in_another_case_is_a_clear_error_on_the_email_field(admin: User) -> None:
    """Said as the API says it (EMAIL_ALREADY_REGISTERED), on the field; not the name of the
    database constraint that would have refused it."""
    UserFactory(email="taken@example.com")
    target = UserFactory()
    client = staff(admin)
    new_user = {
        "cpf": "529.982.247-25",
        "name": "Nova Coletora",
        "role": "collector",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }

    created = submit(client, f"{USERS}add/", {**new_user, "email": "Taken@Example.com"})
    changed = submit(client, f"{USERS}{target.pk}/change/", change_form(target, email="TAKEN@example.com"))

    for response in (created, changed):
        assert response.status_code == 200
        form_errors = response.context["adminform"].form.errors
        assert form_errors == {"email": ["A user with this email already exists."]}
    assert not User.objects.filter(cpf="52998224725").exists()
    target.refresh_from_db()
    assert target.email != "taken@example.com"


def test_the_cpf_is_shown_but_not_editable_in_the_change_form(admin: User) -> None:
    target = UserFactory()
    client = staff(admin)

    response = submit(client, f"{USERS}{target.pk}/change/", change_form(target, cpf="52998224725"))

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.cpf != "52998224725"
    assert target.cpf in client.get(f"{USERS}{target.pk}/change/").content.decode()


def test_a_form_opened_before_a_deactivation_saves_its_edit_without_reactivating(admin: User) -> None:
    """The form says what was changed on the page, not what differs from the row when it is
    posted: a colleague's deactivation in between stays."""
    target = UserFactory()
    client = staff(admin)
    url = f"{USERS}{target.pk}/change/"
    page = client.get(url).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="((?:initial-)?[\w-]+)" value="([^"]*)"', page))
    services.user_update(user=target, actor=UserFactory(role=Role.ADMIN), is_active=False)

    response = client.post(url, {**shown, **change_form(target, name="Nome Corrigido", is_active="on")})

    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.name == "Nome Corrigido"
    assert target.is_active is False


# --- deletion is the erasure of ADR 0010 ----------------------------------------------------------


def person_with_history(admin: User) -> tuple[User, dict[str, Any], RealEstate]:
    # tokens["rows"]: the ids of their OutstandingToken rows, which must be gone afterwards
    """A collector with live tokens, an admin log that names them, and a real estate they collected."""
    from tests.real_estates.factories import RealEstateFactory

    person = UserFactory(name="Fulana Apagável Sobrenome", email="fulana@example.com")
    tokens = sign_in(APIClient(), person)
    real_estate = RealEstateFactory(collected_by=person)
    submit(staff(admin), f"{USERS}{person.pk}/change/", change_form(person, role="manager"))
    LogEntry.objects.create(  # another object's entry whose text names them
        user=admin,
        content_type=ContentType.objects.get_for_model(RealEstate),
        object_id=str(real_estate.pk),
        object_repr=f"Casa de {person.name}",
        action_flag=2,
        change_message=f"CPF {format_cpf(person.cpf)} conferido",
    )
    LogEntry.objects.create(  # Django stores change messages as JSON: "Apag\u00e1vel"
        user=admin,
        content_type=ContentType.objects.get_for_model(RealEstate),
        object_id=str(real_estate.pk),
        object_repr="Casa na praia",
        action_flag=2,
        change_message=json.dumps([{"changed": {"fields": [f"coletora: {person.name}"]}}]),
    )
    kept = LogEntry.objects.create(  # an entry that does not name them stays
        user=admin,
        content_type=ContentType.objects.get_for_model(RealEstate),
        object_id=str(real_estate.pk),
        object_repr="Apartamento no centro",
        action_flag=2,
        change_message="[]",
    )
    person.refresh_from_db()
    tokens["kept_entry"] = kept.pk
    tokens["rows"] = list(OutstandingToken.objects.filter(user=person).values_list("pk", flat=True))
    assert tokens["rows"]
    return person, tokens, real_estate


def assert_erased(person: User, tokens: dict[str, Any], real_estate: RealEstate) -> None:
    assert not User.objects.filter(pk=person.pk).exists()
    assert not OutstandingToken.objects.filter(pk__in=tokens["rows"]).exists()
    assert_tokens_dead(tokens)
    assert LogEntry.objects.filter(pk=tokens["kept_entry"]).exists()
    escaped_name = json.dumps(person.name)[1:-1]
    assert escaped_name != person.name
    for text in (person.name, escaped_name, person.cpf, format_cpf(person.cpf), person.email, str(person.pk)):
        assert text
        for entry in LogEntry.objects.all():
            assert text not in f"{entry.object_id} {entry.object_repr} {entry.change_message}", entry
    real_estate.refresh_from_db()
    assert (real_estate.collected_by_id, real_estate.collected_by_name) == (None, "")


def test_deleting_a_user_in_the_admin_erases_them_as_the_api_does(admin: User) -> None:
    person, tokens, real_estate = person_with_history(admin)
    client = staff(admin)
    url = f"{USERS}{person.pk}/delete/"

    response = submit(client, url, {"post": "yes"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert_erased(person, tokens, real_estate)
    entry = LogEntry.objects.get(action_flag=DELETION)
    assert (entry.user_id, entry.object_id, entry.object_repr) == (admin.pk, None, ERASED)
    assert person.name not in client.get(response["Location"]).content.decode()
    assert ERASED in client.get("/admin/").content.decode()  # recent actions: who erased, not whom


def test_the_bulk_delete_erases_every_selected_user(admin: User) -> None:
    person, tokens, real_estate = person_with_history(admin)
    other = UserFactory(name="Beltrano Removido Junior")
    client = staff(admin)

    confirmation = run_action(client, "delete_selected", [person, other])
    assert confirmation.status_code == 200
    assert person.name in confirmation.content.decode()  # staff see whom they are about to erase
    response = run_action(client, "delete_selected", [person, other], post="yes")

    assert response.status_code == 302
    assert_erased(person, tokens, real_estate)
    assert not User.objects.filter(pk=other.pk).exists()
    entries = LogEntry.objects.filter(action_flag=DELETION)
    assert [(e.object_id, e.object_repr) for e in entries] == [(None, ERASED)] * 2
    assert other.name not in client.get(USERS).content.decode()


# --- no one locks the platform out -----------------------------------------------------------------


@pytest.mark.parametrize("change", [{"role": "manager"}, {"is_active": ""}], ids=["demote", "deactivate"])
def test_an_admin_cannot_demote_or_deactivate_themselves_in_the_form(
    admin: User, change: dict[str, str]
) -> None:
    UserFactory(role=Role.ADMIN)  # not the last admin: the refusal is about oneself
    client = staff(admin)
    url = f"{USERS}{admin.pk}/change/"

    response = submit(client, url, change_form(admin, **change))

    assert response.status_code == 302
    assert response["Location"] == url
    shown = client.get(url)
    assert "cannot demote, deactivate or delete their own account" in messages_on(shown)
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)
    assert not LogEntry.objects.filter(object_id=str(admin.pk)).exists()


def test_the_refusal_is_shown_in_portuguese_to_a_portuguese_browser(admin: User) -> None:
    client = staff(admin)
    url = f"{USERS}{admin.pk}/change/"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pt-BR"

    submit(client, url, change_form(admin, role="collector"))

    assert "não podem rebaixar, desativar nem excluir a própria conta" in messages_on(client.get(url))


def test_an_admin_cannot_delete_themselves_in_the_admin(admin: User) -> None:
    UserFactory(role=Role.ADMIN)
    client = staff(admin)

    response = submit(client, f"{USERS}{admin.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert User.objects.filter(pk=admin.pk).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()  # rolled back with the refusal
    assert "cannot demote, deactivate or delete" in messages_on(client.get(response["Location"]))


def test_a_bulk_delete_that_includes_oneself_deletes_no_one(admin: User) -> None:
    other = UserFactory()
    client = staff(admin)

    response = run_action(client, "delete_selected", [other, admin], post="yes")

    assert response.status_code == 302
    assert User.objects.filter(pk__in=[admin.pk, other.pk]).count() == 2
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    assert "cannot demote, deactivate or delete" in messages_on(client.get(USERS))


def test_the_last_active_admins_password_sign_in_cannot_be_disabled(admin: User) -> None:
    """An operator's call (no actor) is refused for the only active admin, as a demotion is."""
    with pytest.raises(errors.LastActiveAdmin):
        services.user_set_password(user=admin, actor=None, password=None)
    admin.refresh_from_db()
    assert admin.has_usable_password()


def test_another_admins_password_sign_in_can_be_disabled(admin: User) -> None:
    other = UserFactory(role=Role.ADMIN)

    response = submit(
        staff(admin), f"{USERS}{other.pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.has_usable_password()


def test_a_bulk_deactivation_skips_oneself_and_says_why(admin: User) -> None:
    other = UserFactory()
    client = staff(admin)

    run_action(client, "deactivate_selected", [other, admin])

    admin.refresh_from_db()
    other.refresh_from_db()
    assert (admin.is_active, other.is_active) == (True, False)
    shown = messages_on(client.get(USERS))
    assert "1 user deactivated." in shown
    assert f"{admin.name}: Administrators cannot demote" in shown


def test_a_manager_sees_no_write_action(admin: User) -> None:
    manager = UserFactory(role=Role.MANAGER)
    target = UserFactory()
    client = staff(manager)

    page = client.get(USERS).content.decode()
    for action in ("delete_selected", "deactivate_selected", "activate_selected", "change_role_of_selected"):
        assert f'value="{action}"' not in page
    assert client.get(f"{USERS}{target.pk}/password/").status_code == 403


def test_token_rows_and_groups_have_no_admin_pages(admin: User) -> None:
    client = staff(admin)
    for url in (
        "/admin/token_blacklist/blacklistedtoken/",
        "/admin/token_blacklist/outstandingtoken/",
        "/admin/auth/group/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("deactivate_selected", {}),
        ("activate_selected", {}),
        ("change_role_of_selected", {"role": "manager"}),
        ("delete_selected", {}),
        ("delete_selected", {"post": "yes"}),
    ],
)
def test_an_action_on_users_erased_meanwhile_says_so(admin: User, action: str, extra: dict[str, str]) -> None:
    target = UserFactory()
    client = staff(admin)
    services.user_delete(user=target, actor=None)  # by someone else, meanwhile

    response = run_action(client, action, [target], **extra)

    assert response.status_code == 302
    assert messages_on(client.get(USERS)) == (
        "None of the selected users exists any more (deleted meanwhile?): nothing was done."
    )


def test_the_users_screens_speak_portuguese_to_a_portuguese_browser(admin: User) -> None:
    """Our own words on the users screens (the actions and their outcomes, the role chooser, the
    change page's sections, the password page's confirmation) are pt-BR for a pt-BR browser."""
    others = [UserFactory(), UserFactory()]
    client = staff(admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pt-BR"

    changelist = client.get(USERS).content.decode()
    assert "Desativar os usuários selecionados (revoga seus tokens)" in changelist
    assert "Ativar os usuários selecionados" in changelist
    assert "Dar aos usuários selecionados o papel escolhido (revoga seus tokens)" in changelist
    assert '<label>Papel <select name="role">' in changelist
    change = client.get(f"{USERS}{others[0].pk}/change/").content.decode()
    for section in ("Perfil", "Acesso", "Datas"):
        assert f">{section}</h2>" in change

    run_action(client, "change_role_of_selected", others)
    assert messages_on(client.get(USERS)) == "Escolha o papel a dar."
    run_action(client, "deactivate_selected", others)
    assert messages_on(client.get(USERS)) == "2 usuários desativados."
    run_action(client, "activate_selected", others[:1])
    assert messages_on(client.get(USERS)) == "1 usuário ativado."
    run_action(client, "change_role_of_selected", others, role="manager")
    assert messages_on(client.get(USERS)) == "2 usuários receberam o papel Gerente."
    url = f"{USERS}{others[0].pk}/password/"
    submit(client, url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set-password": "1"})
    assert messages_on(client.get(f"{USERS}{others[0].pk}/change/")) == "Senha modificada com sucesso."
