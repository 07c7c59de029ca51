"""The admin reviews through the same services: rules and history hold there too."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from apps.real_estates.models import RealEstate, RealEstateTransition, Status
from apps.users.models import User
from tests.real_estates.conftest import MakeRealEstate, history_of

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/real_estates/realestate/"


@pytest.fixture
def staff(manager: User) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def _act(client: Client, action: str, *real_estates: RealEstate, **extra: str) -> str:
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(r.pk) for r in real_estates], **extra},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


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
    assert history_of(submitted) == [(Status.SUBMITTED, Status.APPROVED)]
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
    newer, older = make_real_estate(status=Status.SUBMITTED), make_real_estate(status=Status.SUBMITTED)
    for real_estate, days in ((newer, 1), (older, 4)):
        RealEstateTransition.objects.create(
            real_estate=real_estate, from_status=Status.DRAFT, to_status=Status.SUBMITTED,
            at=timezone.now() - timedelta(days=days, hours=1),
        )  # fmt: skip
    make_real_estate(status=Status.APPROVED)

    response = staff.get(CHANGELIST, {"status__exact": Status.SUBMITTED})

    rows = list(response.context["cl"].result_list)
    assert [r.pk for r in rows] == [older.pk, newer.pk]
    assert '<td class="field-days_waiting">4</td>' in response.content.decode()


def test_prices_and_dates_follow_the_browsers_language(
    manager: User, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    RealEstate.objects.filter(pk=real_estate.pk).update(
        price=Decimal("23550.00"), created_at=datetime(2026, 12, 1, 12, tzinfo=UTC)
    )
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
    assert history_of(real_estate) == [(Status.APPROVED, Status.ARCHIVED)]


def test_editing_a_draft_in_the_admin_goes_through_the_service(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(title="Casa antiga")
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields
    }
    data.update(
        {
            "title": "Casa em Niterói",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
            "photos-TOTAL_FORMS": "0",  # the media app's read-only photo inline
            "photos-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    real_estate.refresh_from_db()
    assert real_estate.title == "Casa em Niterói"
    assert real_estate.version == 2
    assert "niteroi" in real_estate.search_text


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
