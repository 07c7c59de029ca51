"""A selection too large for its confirmation page. The reject and delete confirmations carry one
field per selected row, and a request with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS is
refused before any view runs: "select all" on a long list, then the confirmation's button,
answered "Bad request (400): this request could not be understood", and nothing was done. Such a
selection is refused where it is made, saying how many rows one confirmation takes."""

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from apps.real_estates.models import RealEstate, Status
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

REAL_ESTATES = "/admin/real_estates/realestate/"
USERS = "/admin/users/user/"
MAX_FIELDS = 9  # a confirmation takes at most MAX_FIELDS - 5 = 4 rows


@pytest.fixture
def few_fields(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = MAX_FIELDS


@pytest.fixture
def staff(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _select_all(client: Client, page: str, action: str, first: Any) -> Any:
    """ "Select all" on the list, then the action: the page posts the first row ticked."""
    return client.post(
        page, {"action": action, "index": "0", "select_across": "1", "_selected_action": [first.pk]}
    )


def _confirm(client: Client, page: str, confirmation: Any, **fields: str) -> Any:
    """The confirmation's form as the browser posts it: its hidden fields, the button's and `fields`."""
    html = confirmation.content.decode()
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    data: dict[str, list[str]] = {}
    for name, value in hidden:
        data.setdefault(name, []).append(unescape(value))
    return client.post(page, {**data, **fields}, follow=True)


@pytest.mark.usefixtures("few_fields")
def test_rejecting_more_than_a_confirmation_takes_is_refused_with_its_limit(staff: Client) -> None:
    rows = [RealEstateFactory(status=Status.SUBMITTED) for _ in range(5)]

    response = _select_all(staff, f"{REAL_ESTATES}?status__exact=submitted", "reject_selected", rows[0])

    assert response.status_code == 302
    page = staff.get(response["Location"]).content.decode()
    assert "5 real estates are too many to confirm at once (at most 4)" in page
    assert RealEstate.objects.filter(status=Status.SUBMITTED).count() == 5


@pytest.mark.usefixtures("few_fields")
def test_rejecting_as_many_as_a_confirmation_takes_still_rejects_them_all(staff: Client) -> None:
    rows = [RealEstateFactory(status=Status.SUBMITTED) for _ in range(4)]
    queue = f"{REAL_ESTATES}?status__exact=submitted"

    confirmation = _select_all(staff, queue, "reject_selected", rows[0])
    done = _confirm(staff, queue, confirmation, reason="Fotos desfocadas.", reject="Reject")

    assert done.status_code == 200
    assert "4 real estates rejected." in done.content.decode()
    assert RealEstate.objects.filter(status=Status.REJECTED).count() == 4


@pytest.mark.usefixtures("few_fields")
def test_deleting_more_real_estates_than_a_confirmation_takes_is_refused_with_its_limit(
    staff: Client,
) -> None:
    rows = [RealEstateFactory() for _ in range(5)]

    response = _select_all(staff, REAL_ESTATES, "delete_selected", rows[0])

    assert response.status_code == 302
    assert "5 real estates are too many" in staff.get(response["Location"]).content.decode()
    assert RealEstate.objects.count() == 5


@pytest.mark.usefixtures("few_fields")
def test_deleting_more_users_than_a_confirmation_takes_is_refused_with_its_limit(staff: Client) -> None:
    rows = [UserFactory(role=Role.COLLECTOR) for _ in range(5)]

    response = _select_all(staff, f"{USERS}?role__exact=collector", "delete_selected", rows[0])

    assert response.status_code == 302
    assert "5 users are too many" in staff.get(response["Location"]).content.decode()
    assert User.objects.filter(role=Role.COLLECTOR).count() == 5


@pytest.mark.usefixtures("few_fields")
def test_deleting_as_many_users_as_a_confirmation_takes_still_deletes_them(staff: Client) -> None:
    rows = [UserFactory(role=Role.COLLECTOR) for _ in range(4)]
    page = f"{USERS}?role__exact=collector"

    confirmation = _select_all(staff, page, "delete_selected", rows[0])
    done = _confirm(staff, page, confirmation)

    assert done.status_code == 200
    assert not User.objects.filter(role=Role.COLLECTOR).exists()
