"""The admin reviews through the same services: rules and history hold there too."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.admin.models import DELETION, LogEntry
from django.db.models.signals import pre_delete
from django.test import Client
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.core import errors
from apps.media.models import Photo
from apps.real_estates.api.serializers import AddressInputSerializer
from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.real_estates.conftest import MakeRealEstate, history_of
from tests.real_estates.helpers import CHANGELIST, post_change_form, writes_on_record
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _act(client: Client, action: str, *real_estates: RealEstate, **extra: str) -> str:
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(r.pk) for r in real_estates], **extra},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def submitted_days_ago(make_real_estate: MakeRealEstate, ago: timedelta) -> RealEstate:
    with time_machine.travel(timezone.now() - ago, tick=False):
        return make_real_estate(status=Status.SUBMITTED)


def test_the_changelist_filters_and_searches_without_accents(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    make_real_estate(city="São Paulo", state="SP", title="Casa no Itaím")
    make_real_estate(city="Curitiba", state="PR", title="Apartamento")
    response = staff.get(CHANGELIST, {"q": "itaim"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = staff.get(CHANGELIST, {"status__exact": "draft", "state__exact": "PR"})
    assert response.context["cl"].result_count == 1


def test_the_change_page_shows_the_history(
    staff: Client, make_real_estate: MakeRealEstate, collector: User, manager: User
) -> None:
    from apps.real_estates import services

    real_estate = make_real_estate(status=Status.SUBMITTED)
    services.real_estate_reject(real_estate=real_estate, actor=manager, reason="Fotos escuras demais")
    response = staff.get(f"{CHANGELIST}{real_estate.pk}/change/")
    assert response.status_code == 200
    assert "Fotos escuras demais" in response.content.decode()


def test_approve_action_uses_the_workflow(staff: Client, make_real_estate: MakeRealEstate) -> None:
    submitted = make_real_estate(status=Status.SUBMITTED)
    draft = make_real_estate(status=Status.DRAFT)
    _act(staff, "approve_selected", submitted, draft)
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert draft.status == Status.DRAFT  # not allowed: reported, not applied
    assert history_of(submitted)[-1] == (Status.SUBMITTED, Status.APPROVED)
    assert history_of(draft) == []


def test_reject_action_asks_for_a_reason_on_a_page_of_its_own(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)

    page = _act(staff, "reject_selected", real_estate)
    real_estate.refresh_from_db()
    assert real_estate.status == Status.SUBMITTED
    assert 'name="reason"' in page
    assert real_estate.title in page


@pytest.mark.parametrize(
    ("count", "language", "words"),
    [
        (1, "en", "This real estate goes back to its collector with the reason below:"),
        (2, "en", "These real estates go back to their collectors with the reason below:"),
        (1, "pt-BR", "Este imóvel volta ao seu coletor com o motivo abaixo:"),
        (2, "pt-BR", "Estes imóveis voltam aos seus coletores com o motivo abaixo:"),
    ],
)
def test_the_reject_page_speaks_of_one_real_estate_or_several(
    manager: User, make_real_estate: MakeRealEstate, count: int, language: str, words: str
) -> None:
    real_estates = [make_real_estate(status=Status.SUBMITTED) for _ in range(count)]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(manager)

    assert words in _act(client, "reject_selected", *real_estates)


def test_reject_action_refuses_a_blank_reason(staff: Client, make_real_estate: MakeRealEstate) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)

    page = _act(staff, "reject_selected", real_estate, reject="Reject", reason="   ")

    real_estate.refresh_from_db()
    assert real_estate.status == Status.SUBMITTED
    assert "This field is required." in page


def test_reject_action_rejects_with_the_reason_in_the_history(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)

    page = _act(staff, "reject_selected", real_estate, reject="Reject", reason="Endereço não confere")

    real_estate.refresh_from_db()
    assert (real_estate.status, real_estate.rejection_reason) == (Status.REJECTED, "Endereço não confere")
    assert real_estate.transitions.get(to_status=Status.REJECTED).reason == "Endereço não confere"
    assert "1 real estate rejected." in page


def test_the_outcome_is_reported_in_the_browsers_language(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    first, second = make_real_estate(status=Status.SUBMITTED), make_real_estate(status=Status.SUBMITTED)
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(manager)

    page = _act(client, "approve_selected", first, second)

    assert "2 imóveis aprovados." in page


def test_the_review_queue_lists_submissions_oldest_first(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    newer, older = (
        submitted_days_ago(make_real_estate, days)
        for days in (timedelta(days=1, hours=1), timedelta(days=4, hours=1))
    )
    make_real_estate(status=Status.APPROVED)

    response = staff.get(CHANGELIST, {"status__exact": Status.SUBMITTED})

    rows = list(response.context["cl"].result_list)
    assert [r.pk for r in rows] == [older.pk, newer.pk]
    assert '<td class="field-days_waiting">4</td>' in response.content.decode()


def test_prices_and_dates_follow_the_browsers_language(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
        make_real_estate(status=Status.SUBMITTED, price=Decimal("23550.00"))
    english, portuguese = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    english.force_login(manager)
    portuguese.force_login(manager)

    en = english.get(CHANGELIST).content.decode()
    pt = portuguese.get(CHANGELIST).content.decode()

    assert "R$ 23,550.00" in en
    assert "12/01/2026" in en
    assert "R$ 23.550,00" in pt
    assert "01/12/2026" in pt


def test_archive_action(staff: Client, make_real_estate: MakeRealEstate) -> None:
    real_estate = make_real_estate(status=Status.APPROVED)
    _act(staff, "archive_selected", real_estate)
    real_estate.refresh_from_db()
    assert real_estate.status == Status.ARCHIVED
    assert history_of(real_estate)[-1] == (Status.APPROVED, Status.ARCHIVED)


def test_editing_a_draft_in_the_admin_goes_through_the_service(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(title="Casa antiga")
    response = post_change_form(client, real_estate, title="Casa em Niterói")
    assert response.status_code == 302, response.context["adminform"].form.errors
    real_estate.refresh_from_db()
    assert real_estate.title == "Casa em Niterói"
    assert real_estate.version == 2
    assert "niteroi" in real_estate.search_text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "x" * 10_001),
        ("bedrooms", 1001),
        ("bathrooms", 1001),
        ("parking_spaces", 1001),
        # On the field, as the API says it; not "Constraint re_price_gte_0 is violated" on the form.
        ("price", "-0.01"),
        ("area_m2", "0"),
        ("latitude", "90.000001"),
        ("longitude", "-180.5"),
    ],
)
def test_the_change_form_keeps_the_apis_bounds(
    admin_user: User, make_real_estate: MakeRealEstate, field: str, value: object
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate()
    response = post_change_form(client, real_estate, **{field: value})
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {field}
    real_estate.refresh_from_db()
    assert real_estate.version == 1


def test_an_approved_real_estate_is_read_only_in_the_admin(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.APPROVED)
    form = staff.get(f"{CHANGELIST}{real_estate.pk}/change/").context["adminform"].form
    assert "title" not in form.fields


def test_deleting_in_the_admin_uses_the_service(admin_user: User, make_real_estate: MakeRealEstate) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(status=Status.APPROVED)
    response = client.post(f"{CHANGELIST}{real_estate.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RealEstate.objects.filter(pk=real_estate.pk).exists()
    other = make_real_estate()
    client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [str(other.pk)], "post": "yes"})
    assert not RealEstate.objects.filter(pk=other.pk).exists()


# --- refusals through the admin's own pages, CSRF enforced as in a browser --------------------


def _csrf_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def _change_form(client: Client, url: str) -> dict[str, Any]:
    """GET the change page; what the browser would post back unchanged, the CSRF token included."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data.update(
        {
            "csrfmiddlewaretoken": _csrf_token(response.content.decode()),
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        }
    )
    return data


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_post_without_the_csrf_token_is_refused(manager: User, make_real_estate: MakeRealEstate) -> None:
    real_estate = make_real_estate(title="Casa antiga")
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    client = _csrf_client(manager)
    data = _change_form(client, url)
    del data["csrfmiddlewaretoken"]
    data["title"] = "Casa nova"
    assert client.post(url, data).status_code == 403
    real_estate.refresh_from_db()
    assert real_estate.title == "Casa antiga"


def test_saving_a_form_read_before_someone_elses_edit_is_refused_with_a_message(
    manager: User, collector: User, make_real_estate: MakeRealEstate
) -> None:
    from apps.real_estates import services

    real_estate = make_real_estate(title="Casa antiga", description="Descrição original")
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    client = _csrf_client(manager)
    data = _change_form(client, url)
    services.real_estate_update(
        real_estate=real_estate, actor=collector, fields={"description": "Descrição do coletor"}
    )  # meanwhile, in the field

    data["title"] = "Casa do gerente"
    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    assert _messages(response) == [
        "The resource has changed since you last read it; reload it and try again."
    ]
    real_estate.refresh_from_db()
    assert (real_estate.title, real_estate.description) == ("Casa antiga", "Descrição do coletor")
    assert real_estate.version == 2  # the collector's edit only


def test_saving_a_form_of_a_real_estate_submitted_meanwhile_is_refused_not_reported_done(
    manager: User, collector: User, make_real_estate: MakeRealEstate
) -> None:
    from apps.real_estates import services

    real_estate = make_real_estate(title="Casa antiga", photos=1)
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    client = _csrf_client(manager)
    data = _change_form(client, url)
    services.real_estate_submit(real_estate=real_estate, actor=collector)  # no longer editable

    data["title"] = "Casa do gerente"
    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    [message] = _messages(response)
    assert "changed since you last read it" in message
    assert "successfully" not in response.content.decode()
    real_estate.refresh_from_db()
    assert (real_estate.title, real_estate.status) == ("Casa antiga", Status.SUBMITTED)
    assert history_of(real_estate) == [(Status.DRAFT, Status.SUBMITTED)]


def test_an_up_to_date_form_saves_through_the_service_with_the_csrf_token(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(title="Casa antiga")
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    client = _csrf_client(manager)
    data = _change_form(client, url)
    data["title"] = "Casa do gerente"
    response = client.post(url, data)
    assert response.status_code == 302
    real_estate.refresh_from_db()
    assert (real_estate.title, real_estate.version) == ("Casa do gerente", 2)
    assert AuditEvent.objects.filter(action="real_estate.update", target_id=str(real_estate.pk)).count() == 1


def test_approving_what_cannot_be_approved_is_reported_per_real_estate(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    submitted = make_real_estate(status=Status.SUBMITTED, title="Casa enviada")
    approved = make_real_estate(status=Status.APPROVED, title="Casa já aprovada")
    client = _csrf_client(manager)
    token = _csrf_token(client.get(CHANGELIST).content.decode())

    response = client.post(
        CHANGELIST,
        {
            "csrfmiddlewaretoken": token,
            "action": "approve_selected",
            "_selected_action": [str(submitted.pk), str(approved.pk)],
        },
        follow=True,
    )

    assert response.status_code == 200
    messages = _messages(response)
    assert "1 real estate approved." in messages
    assert any(m.startswith("Casa já aprovada: ") for m in messages)
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def _bulk_delete(client: Client, *real_estates: RealEstate) -> Any:
    """The changelist's bulk delete as a browser does it: the action, its confirmation page, then
    "Yes, I'm sure" with that page's CSRF token."""
    selected = [str(r.pk) for r in real_estates]
    token = _csrf_token(client.get(CHANGELIST).content.decode())
    confirmation = client.post(
        CHANGELIST, {"csrfmiddlewaretoken": token, "action": "delete_selected", "_selected_action": selected}
    )
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert 'name="post"' in page
    return client.post(
        CHANGELIST,
        {
            "csrfmiddlewaretoken": _csrf_token(page),
            "action": "delete_selected",
            "_selected_action": selected,
            "post": "yes",
        },
        follow=True,
    )


def test_bulk_delete_goes_through_the_service_for_each(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    first, second = make_real_estate(), make_real_estate(status=Status.APPROVED)

    response = _bulk_delete(_csrf_client(admin_user), first, second)

    assert response.status_code == 200
    assert not RealEstate.objects.filter(pk__in=[first.pk, second.pk]).exists()
    deleted = AuditEvent.objects.filter(action="real_estate.delete").values_list("target_id", flat=True)
    assert sorted(deleted) == sorted([str(first.pk), str(second.pk)])


def test_bulk_delete_is_all_or_nothing_when_the_service_refuses_one(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    """A real estate deleted by someone else while the admin deletes the selection (here: as the
    first one goes, the other vanishes) makes the service refuse it: nothing is deleted, no log
    entry nor audit event stays, and the refusal is shown."""
    first, second = make_real_estate(title="Casa um"), make_real_estate(title="Casa dois")

    vanished: list[RealEstate] = []

    def someone_else_deletes_the_other(sender: Any, instance: RealEstate, **kwargs: Any) -> None:
        if not vanished:  # once: the other's own deletion signals here too
            vanished.append(instance)
            RealEstate.objects.filter(pk__in=[first.pk, second.pk]).exclude(pk=instance.pk).delete()

    pre_delete.connect(someone_else_deletes_the_other, sender=RealEstate, dispatch_uid="test.vanish")
    try:
        response = _bulk_delete(_csrf_client(admin_user), first, second)
    finally:
        pre_delete.disconnect(sender=RealEstate, dispatch_uid="test.vanish")

    assert response.status_code == 200
    [message] = _messages(response)
    assert message.startswith("Nothing was deleted. Casa ")
    assert message.endswith(": Real estate not found.")
    assert RealEstate.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert not AuditEvent.objects.filter(action="real_estate.delete").exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_deleting_one_in_the_admin_with_the_csrf_token_goes_through_the_service(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.APPROVED)
    url = f"{CHANGELIST}{real_estate.pk}/delete/"
    client = _csrf_client(admin_user)
    token = _csrf_token(client.get(url).content.decode())
    response = client.post(url, {"csrfmiddlewaretoken": token, "post": "yes"})
    assert response.status_code == 302
    assert not RealEstate.objects.filter(pk=real_estate.pk).exists()
    assert AuditEvent.objects.filter(action="real_estate.delete", target_id=str(real_estate.pk)).exists()


def test_the_photos_of_a_real_estate_no_longer_editable_are_shown_not_offered_for_change(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    submitted, rejected = make_real_estate(status=Status.SUBMITTED), make_real_estate(status=Status.REJECTED)
    [formset] = [
        f
        for f in staff.get(f"{CHANGELIST}{submitted.pk}/change/").context["inline_admin_formsets"]
        if f.opts.model is Photo
    ]
    assert (formset.has_change_permission, formset.has_delete_permission) == (False, False)
    [formset] = [
        f
        for f in staff.get(f"{CHANGELIST}{rejected.pk}/change/").context["inline_admin_formsets"]
        if f.opts.model is Photo
    ]
    assert (formset.has_change_permission, formset.has_delete_permission) == (True, True)


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("approve_selected", {}),
        ("archive_selected", {}),
        ("reject_selected", {"reject": "Reject", "reason": "Fotos borradas"}),
        ("reject_selected", {}),  # the page asking for the reason
        ("delete_selected", {}),  # the confirmation page
        ("delete_selected", {"post": "yes"}),
    ],
)
def test_an_action_on_a_selection_deleted_meanwhile_says_so(
    admin_user: User, make_real_estate: MakeRealEstate, action: str, extra: dict[str, str]
) -> None:
    """Someone deleted the selected real estates between the list and the click (or between the
    action's two pages): the staff member is told nothing was done, not left with no word."""
    real_estate = make_real_estate(status=Status.SUBMITTED)
    client = Client()
    client.force_login(admin_user)
    RealEstate.objects.filter(pk=real_estate.pk).delete()  # by someone else, meanwhile

    response = client.post(
        CHANGELIST, {"action": action, "_selected_action": [str(real_estate.pk)], **extra}, follow=True
    )

    assert response.status_code == 200
    assert _messages(response) == [
        "None of the selected real estates exists any more (deleted meanwhile?): nothing was done."
    ]


QUEUE = f"{CHANGELIST}?status__exact=submitted"


def test_an_item_a_colleague_reviewed_while_the_queue_was_shown_is_reported_not_dropped(
    staff: Client, make_real_estate: MakeRealEstate, admin_user: User
) -> None:
    """Ticked in the review queue, then approved by a colleague before the click: it has left the
    queue's filter, and is still reported (as anywhere else in the list), not silently left out."""
    from apps.real_estates import services

    waiting = make_real_estate(status=Status.SUBMITTED, title="Casa na fila")
    reviewed = make_real_estate(status=Status.SUBMITTED, title="Casa revisada por outro")
    services.real_estate_approve(real_estate=reviewed, actor=admin_user)  # the colleague, meanwhile

    response = staff.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [str(waiting.pk), str(reviewed.pk)]},
        follow=True,
    )

    messages = _messages(response)
    assert "1 real estate approved." in messages
    assert f"Casa revisada por outro: {errors.RealEstateCannotApprove.default_message}" in messages
    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED


REVIEW_STEPS = {
    "approve_selected": ({}, errors.RealEstateCannotApprove.default_message),
    "reject_selected": (
        {"reject": "Reject", "reason": "Fotos escuras"},
        errors.RealEstateCannotReject.default_message,
    ),
}


@pytest.mark.parametrize("action", REVIEW_STEPS)
def test_a_selection_every_item_of_which_a_colleague_reviewed_meanwhile_is_not_called_deleted(
    staff: Client, make_real_estate: MakeRealEstate, admin_user: User, action: str
) -> None:
    from apps.real_estates import services

    extra, refusal = REVIEW_STEPS[action]
    reviewed = make_real_estate(status=Status.SUBMITTED, title="Casa revisada por outro")
    services.real_estate_approve(real_estate=reviewed, actor=admin_user)

    response = staff.post(
        QUEUE, {"action": action, "_selected_action": [str(reviewed.pk)], **extra}, follow=True
    )

    assert _messages(response) == [f"Casa revisada por outro: {refusal}"]
    reviewed.refresh_from_db()
    assert reviewed.status == Status.APPROVED


def test_select_all_in_the_review_queue_acts_on_the_whole_queue_and_nothing_else(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    """ "Select all N" means the list as filtered, whatever is ticked on the page shown."""
    on_the_page, on_another_page = (make_real_estate(status=Status.SUBMITTED) for _ in range(2))
    draft = make_real_estate(status=Status.DRAFT)

    response = staff.post(
        QUEUE,
        {"action": "approve_selected", "select_across": "1", "_selected_action": [str(on_the_page.pk)]},
        follow=True,
    )

    assert _messages(response) == ["2 real estates approved."]
    assert {r.status for r in RealEstate.objects.filter(pk__in=[on_the_page.pk, on_another_page.pk])} == {
        Status.APPROVED
    }
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_vanished_selection_is_reported_in_the_browsers_language(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(manager)
    RealEstate.objects.filter(pk=real_estate.pk).delete()

    response = client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [str(real_estate.pk)]}, follow=True
    )

    [message] = _messages(response)
    assert message.startswith("Nenhum dos imóveis selecionados existe mais")


def test_saving_a_read_only_page_of_a_real_estate_rejected_meanwhile_is_refused_as_stale(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    """The page was read while the real estate was submitted (its fields shown, not offered for
    change); a colleague rejected it meanwhile, so the fields are editable when the page is
    posted. The page is stale: it is refused as such, not answered with "This field is required"
    on every field the page never offered."""
    from apps.real_estates import services

    real_estate = make_real_estate(title="Casa enviada", status=Status.SUBMITTED)
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    client = _csrf_client(manager)
    data = _change_form(client, url)
    assert "title" not in data  # read-only on the page
    services.real_estate_reject(real_estate=real_estate, actor=UserFactory(role="manager"), reason="Fotos")
    rejected_version = RealEstate.objects.get(pk=real_estate.pk).version

    response = client.post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert _messages(response) == [
        "The resource has changed since you last read it; reload it and try again."
    ]
    real_estate.refresh_from_db()
    assert (real_estate.title, real_estate.status) == ("Casa enviada", Status.REJECTED)
    assert real_estate.version == rejected_version


# What the API takes for a CEP and a UF (AddressInputSerializer) and what it stores.
CEP_SPELLINGS = [("01310-100", "01310100"), ("01310100", "01310100"), (" 04538-133 ", "04538133")]
UF_SPELLINGS = [("sp", "SP"), (" Rj ", "RJ"), (" sp ", "SP"), ("MG", "MG")]
CEP_REFUSED = ["0131-0100", "01310-10", "013101000", "01310 100", "abcde-fgh", "01310-1000", "0" * 40]
UF_REFUSED = ["S", "SPX", "xx", "s p"]


# Coordinates as a map or a GPS gives them: the API stores them rounded to 6 places (≈ 10 cm).
COORDINATE_SPELLINGS = [
    ("latitude", "-23.55051994", Decimal("-23.550520")),
    ("longitude", "-46.6333093915", Decimal("-46.633309")),
    ("latitude", "-23.5", Decimal("-23.500000")),
]


@pytest.mark.parametrize(("field", "typed", "stored"), COORDINATE_SPELLINGS)
def test_the_change_form_takes_a_coordinate_of_any_precision_as_the_api_does_and_rounds_it(
    admin_user: User, make_real_estate: MakeRealEstate, field: str, typed: str, stored: Decimal
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate()

    response = post_change_form(client, real_estate, **{field: typed})

    assert response.status_code == 302, response.context["adminform"].form.errors
    real_estate.refresh_from_db()
    assert (
        getattr(real_estate, field) == stored == AddressInputSerializer().fields[field].run_validation(typed)
    )


@pytest.mark.parametrize(
    ("field", "typed"), [("latitude", "90.000001"), ("longitude", "-180.5"), ("latitude", "-23,5")]
)
def test_the_change_form_still_refuses_a_coordinate_the_api_refuses(
    admin_user: User, make_real_estate: MakeRealEstate, field: str, typed: str
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate()

    response = post_change_form(client, real_estate, **{field: typed})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    with pytest.raises(ValidationError):
        AddressInputSerializer().fields[field].run_validation(typed)


@pytest.mark.parametrize("field", ["latitude", "longitude"])
@pytest.mark.parametrize("typed", ["NaN", "-nan", "sNaN", "Infinity", "-inf"])
def test_a_coordinate_that_is_no_number_is_a_form_error_not_a_500(
    admin_user: User, make_real_estate: MakeRealEstate, field: str, typed: str
) -> None:
    """Python's decimals read these words; the API refuses them, and so does the form, in a
    message on the field, nothing written."""
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate()
    before = writes_on_record()

    response = post_change_form(client, real_estate, **{field: typed})

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()[field]] == ["invalid"]
    assert writes_on_record() == before
    with pytest.raises(ValidationError):
        AddressInputSerializer().fields[field].run_validation(typed)


@pytest.mark.parametrize(("typed", "stored"), CEP_SPELLINGS)
def test_the_change_form_takes_a_cep_as_the_api_does_and_stores_it_normalised(
    admin_user: User, make_real_estate: MakeRealEstate, typed: str, stored: str
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(zip_code="20040020")

    response = post_change_form(client, real_estate, zip_code=typed)

    assert response.status_code == 302, response.context["adminform"].form.errors
    real_estate.refresh_from_db()
    assert real_estate.zip_code == stored == AddressInputSerializer().fields["zip_code"].run_validation(typed)
    assert real_estate.version == 2


@pytest.mark.parametrize(("typed", "stored"), UF_SPELLINGS)
def test_the_change_form_takes_a_uf_in_any_case_as_the_api_does_and_stores_it_upper_case(
    admin_user: User, make_real_estate: MakeRealEstate, typed: str, stored: str
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(state="PR")

    response = post_change_form(client, real_estate, state=typed)

    assert response.status_code == 302, response.context["adminform"].form.errors
    real_estate.refresh_from_db()
    assert real_estate.state == stored == AddressInputSerializer().fields["state"].run_validation(typed)


def test_the_same_cep_and_uf_in_another_spelling_are_no_change(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(zip_code="01310100", state="SP")

    response = post_change_form(client, real_estate, zip_code="01310-100", state="sp")

    assert response.status_code == 302, response.context["adminform"].form.errors
    real_estate.refresh_from_db()
    assert (real_estate.zip_code, real_estate.state, real_estate.version) == ("01310100", "SP", 1)


@pytest.mark.parametrize(
    ("field", "typed"),
    [*(("zip_code", typed) for typed, _ in CEP_SPELLINGS), *(("state", typed) for typed, _ in UF_SPELLINGS)],
)
def test_a_browser_user_can_type_every_spelling_the_api_takes(
    staff: Client, make_real_estate: MakeRealEstate, field: str, typed: str
) -> None:
    """The input's `maxlength` (a browser types and pastes no more) admits the spelling: ` sp `
    was cut to ` s` by a limit of 2, which the form then refused."""
    page = staff.get(f"{CHANGELIST}{make_real_estate().pk}/change/").content.decode()

    tag = re.search(rf'<input[^>]* name="{field}"[^>]*>', page)
    assert tag is not None
    limit = re.search(r'maxlength="([0-9]+)"', tag.group())
    assert limit is None or len(typed) <= int(limit.group(1))


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        *(("zip_code", v, errors.CEP_INVALID) for v in CEP_REFUSED),
        *(("state", v, errors.UF_INVALID) for v in UF_REFUSED),
    ],
)
def test_the_change_form_refuses_what_the_api_refuses_in_its_words(
    admin_user: User, make_real_estate: MakeRealEstate, field: str, typed: str, message: errors.FieldMessage
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate()
    with pytest.raises(ValidationError):
        AddressInputSerializer().fields[field].run_validation(typed)

    response = post_change_form(client, real_estate, **{field: typed})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.errors) == {field}
    assert form.errors[field] == [str(message.message)]  # the API's one message, no length one beside it
    real_estate.refresh_from_db()
    assert real_estate.version == 1


def test_the_reject_page_has_the_admins_breadcrumbs(staff: Client, make_real_estate: MakeRealEstate) -> None:
    """Django 6's breadcrumbs are a list, styled as the bar under the header (not a bare line)."""
    page = _act(staff, "reject_selected", make_real_estate(status=Status.SUBMITTED))

    assert '<ol class="breadcrumbs">' in page
    assert '<div class="breadcrumbs">' not in page
    assert f'<a href="{CHANGELIST}">Real estates</a>' in page


def test_the_changelist_and_change_page_speak_the_browsers_language(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    """Our own words on the real-estate screens (every action, the search help, the change page's
    sections) are in pt-BR when the browser asks for it, not only the reject action's."""
    real_estate = make_real_estate(status=Status.DRAFT)
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(manager)

    changelist = client.get(CHANGELIST).content.decode()
    change = client.get(f"{CHANGELIST}{real_estate.pk}/change/").content.decode()

    assert '<option value="approve_selected">Aprovar os imóveis selecionados</option>' in changelist
    assert '<option value="archive_selected">Arquivar os imóveis selecionados</option>' in changelist
    assert "Palavras do título, descrição, rua, bairro ou cidade" in changelist
    for section in ("Cômodos", "Endereço", "Fluxo de revisão"):
        assert f">{section}</h2>" in change


@pytest.mark.parametrize(("field", "value"), [("price", "-0"), ("latitude", "-0.000000")])
def test_a_negative_zero_saved_in_the_admin_is_zero_in_the_row_and_the_audit_event(
    admin_user: User, make_real_estate: MakeRealEstate, field: str, value: str
) -> None:
    """As the API stores and audits it (the service owns the rule)."""
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate()
    response = post_change_form(client, real_estate, **{field: value})
    assert response.status_code == 302, response.context["adminform"].form.errors

    event = AuditEvent.objects.filter(target_id=str(real_estate.pk), action="real_estate.update").get()
    assert not str(event.changes[field][1]).startswith("-")
    real_estate.refresh_from_db()
    assert getattr(real_estate, field) == 0
