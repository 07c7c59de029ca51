"""Crafted input to the admin is a 400, not a 500: a NUL character in a page's query string (the
changelists hand filter values to PostgreSQL, which takes no NUL in a text), and an action posted
with a selected id that is no UUID."""

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone

from apps.core.admin_site import GuardedChangeList
from apps.users.models import User
from tests.audit.factories import AuditEventFactory
from tests.media.factories import BlobFactory
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/real_estates/realestate/",
    "/admin/users/user/",
    "/admin/audit/auditevent/",
    "/admin/media/blob/",
]


@pytest.fixture
def staff(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("page", CHANGELISTS)
@pytest.mark.parametrize("query", ["status__exact=%00", "role__exact=a%00b", "q=%00", "%00=1"])
def test_a_nul_in_a_changelists_query_is_a_400(staff: Client, page: str, query: str) -> None:
    assert staff.get(f"{page}?{query}").status_code == 400


def test_the_same_filters_without_nul_still_answer(staff: Client) -> None:
    assert staff.get("/admin/real_estates/realestate/?status__exact=draft").status_code == 200
    assert staff.get("/admin/users/user/?role__exact=admin").status_code == 200


def test_a_page_other_than_a_changelist_is_guarded_too(staff: Client) -> None:
    assert staff.get("/admin/dashboard/?x=%00").status_code == 400


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("/admin/real_estates/realestate/", "approve_selected"),
        ("/admin/real_estates/realestate/", "delete_selected"),
        ("/admin/users/user/", "delete_selected"),
    ],
)
def test_an_action_on_an_id_that_is_no_uuid_is_a_400(staff: Client, page: str, action: str) -> None:
    response = staff.post(page, {"action": action, "_selected_action": ["not-a-uuid"]})
    assert response.status_code == 400


# --- a year (month, day) out of Python's dates in a changelist's date lookups (Django #37357) ---

DATE_CHANGELISTS = [
    ("/admin/real_estates/realestate/", "created_at"),  # date hierarchy
    ("/admin/audit/auditevent/", "created_at"),  # date hierarchy and a date list filter
    ("/admin/users/user/", "date_joined"),  # no date filter: a lookup on a field of the model
    ("/admin/media/blob/", "created_at"),
]
HOSTILE_DATES = [
    "{field}__year=9999",
    "{field}__year=99999999999",
    "{field}__year=-1",
    "{field}__year=9999&{field}__month=12",
    "{field}__year=2026&{field}__month=99999999999",
    "{field}__year=2026&{field}__month=1&{field}__day=99999999999",
    "{field}__year__gte=99999999999",
]


@pytest.mark.parametrize(("page", "field"), DATE_CHANGELISTS)
@pytest.mark.parametrize("query", HOSTILE_DATES)
def test_a_date_out_of_range_in_a_changelists_query_is_refused_not_a_500(
    staff: Client, page: str, field: str, query: str
) -> None:
    response = staff.get(f"{page}?{query.format(field=field)}")

    assert response.status_code in (200, 302)
    if response.status_code == 302:  # Django's answer to lookups it cannot apply
        assert response.headers["Location"] == f"{page}?e=1"


@pytest.mark.parametrize(("page", "field"), DATE_CHANGELISTS)
def test_a_valid_year_still_filters_the_changelist(staff: Client, page: str, field: str) -> None:
    # The clock stands still: the rows and the year asked for are of one year, even on New Year's Eve.
    with time_machine.travel(timezone.now(), tick=False):
        RealEstateFactory(), AuditEventFactory(), BlobFactory()  # a row of this year on every page
        year = timezone.localdate().year

    this_year = staff.get(f"{page}?{field}__year={year}")
    another_year = staff.get(f"{page}?{field}__year=1999")

    assert this_year.status_code == another_year.status_code == 200
    assert this_year.context["cl"].result_count >= 1
    assert another_year.context["cl"].result_count == 0


def test_every_model_admin_of_the_site_lists_through_the_guarded_changelist(rf: RequestFactory) -> None:
    request = rf.get("/admin/")
    registered = [model for model in apps.get_models() if admin.site.is_registered(model)]

    assert len(registered) >= len(DATE_CHANGELISTS)
    for model in registered:
        assert admin.site.get_model_admin(model).get_changelist(request) is GuardedChangeList, model


# --- a list the address asks for and Django cannot show ---

REFUSED_LIST = "The list could not be shown as its address asked"


@pytest.mark.parametrize("page", CHANGELISTS)
def test_a_list_the_address_cannot_produce_is_shown_whole_and_says_why(staff: Client, page: str) -> None:
    """Django answers a filter it cannot apply (or a page past the last of several) with the whole
    list at `?e=1`: without a word, a stale bookmark looked like the list it asked for."""
    response = staff.get(f"{page}?bogus=1", follow=True)

    assert response.redirect_chain == [(f"{page}?e=1", 302)]
    assert REFUSED_LIST in response.content.decode()
    assert REFUSED_LIST not in staff.get(f"{page}?e=1").content.decode()  # said once


@pytest.mark.parametrize("page", CHANGELISTS)
def test_a_refused_address_edited_again_is_not_called_a_database_error(staff: Client, page: str) -> None:
    """Django took a lookup it cannot apply next to `e=1` (its own redirect's mark) for a broken
    database: "Something's wrong with your database installation". The list is shown whole."""
    response = staff.get(f"{page}?e=1&bogus=1", follow=True, headers={"accept-language": "pt-BR"})

    assert response.redirect_chain == [(f"{page}?e=1", 302)]
    content = response.content.decode()
    assert "banco de dados" not in content
    assert "A lista não pôde ser exibida como o endereço pedia" in content


def test_an_action_run_from_the_whole_list_says_nothing_of_a_refused_address(
    staff: Client, collector: User
) -> None:
    response = staff.post(
        "/admin/users/user/?e=1",
        {"action": "deactivate_selected", "_selected_action": [collector.pk]},
        follow=True,
    )

    assert response.redirect_chain == [("/admin/users/user/?e=1", 302)]
    assert "1 user deactivated." in response.content.decode()
    assert REFUSED_LIST not in response.content.decode()
