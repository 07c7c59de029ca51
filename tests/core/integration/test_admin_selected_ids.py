"""An action posted with a selected id that is no value of the model's primary key (a crafted
form: the changelist's checkboxes carry real ids) is a 400 on every admin, not a 500: a blob's id
is an integer, and Django filters by the ticked values as they are (`abc`: a ValueError; a number
past the column's range: an OverflowError on SQLite). The module runs on SQLite too
(`test_admin_selected_ids_on_sqlite.py`)."""

import pytest
from django.test import Client

from apps.media.models import Blob
from apps.users.models import User
from tests.media.factories import BlobFactory

pytestmark = pytest.mark.django_db

BLOBS = "/admin/media/blob/"


@pytest.fixture
def staff(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("selected", ["abc", "1.5", "", str(2**63), str(10**23)])
def test_an_action_on_a_blob_id_that_is_no_id_is_a_400(staff: Client, selected: str) -> None:
    blob = BlobFactory()

    response = staff.post(BLOBS, {"action": "rebuild_thumbnails", "_selected_action": [blob.pk, selected]})

    assert response.status_code == 400


def test_an_action_on_real_blob_ids_still_runs(staff: Client) -> None:
    blob = BlobFactory()

    response = staff.post(
        BLOBS, {"action": "rebuild_thumbnails", "_selected_action": [blob.pk, str(2**63 - 1)]}, follow=True
    )

    assert response.status_code == 200
    assert "Thumbnails queued for" in response.content.decode()
    assert Blob.objects.filter(pk=blob.pk).exists()


def test_an_action_on_an_id_that_is_no_uuid_is_a_400(staff: Client) -> None:
    response = staff.post("/admin/users/user/", {"action": "deactivate_selected", "_selected_action": ["x"]})

    assert response.status_code == 400
