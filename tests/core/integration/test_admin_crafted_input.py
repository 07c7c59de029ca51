"""Crafted input to the admin is a 400, not a 500: a NUL character in a page's query string (the
changelists hand filter values to PostgreSQL, which takes no NUL in a text), and an action posted
with a selected id that is no UUID."""

import pytest
from django.test import Client

from apps.users.models import User

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
