"""A task queue that cannot take the thumbnail job when an upload commits (a broker configured
and down): the photo is saved, so the client gets its 201, not a 500 it would retry; the blob
stays `pending`, which `rebuild_thumbnails` makes."""

from pathlib import Path

from tests.sqlite import run_on_sqlite

UPLOAD = """
import io
from rest_framework.test import APIClient
from apps.media.models import Blob
from tests.media import samples
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

collector = UserFactory(role="collector")
draft = RealEstateFactory(collected_by=collector)
client = APIClient(raise_request_exception=False)
client.force_authenticate(collector)
response = client.post(
    f"/api/v1/real-estates/{draft.pk}/photos", {"file": io.BytesIO(samples.image_bytes())}, format="multipart"
)
draft.refresh_from_db()
state = Blob.objects.get().thumbnail_state
print("status", response.status_code, "photos", draft.photo_count, "state", state)
"""

REBUILD = """
from django.test import Client
from apps.media.models import Blob
from tests.media.factories import BlobFactory
from tests.users.factories import UserFactory

blob = BlobFactory()  # pending
staff = Client(raise_request_exception=False)
staff.force_login(UserFactory(role="admin"))
action = {"action": "rebuild_thumbnails", "_selected_action": [blob.pk]}
response = staff.post("/admin/media/blob/", action, follow=True)
shown = "The service is temporarily unavailable" in response.content.decode()
print("status", response.status_code, "shown", shown, "state", Blob.objects.get().thumbnail_state)
"""


def test_an_upload_with_the_task_queue_down_is_saved_and_answered(tmp_path: Path, closed_port: int) -> None:
    assert run_on_sqlite(tmp_path, "manage.py", "migrate", "-v", "0").returncode == 0
    closed = f"redis://127.0.0.1:{closed_port}/1"

    done = run_on_sqlite(tmp_path, "manage.py", "shell", "-c", UPLOAD, CELERY_BROKER_URL=closed)

    assert "status 201 photos 1 state pending" in done.stdout, done.stderr
    assert "thumbnails_not_queued" in done.stdout + done.stderr  # logged for the operator


def test_the_rebuild_action_with_the_task_queue_down_is_a_message(tmp_path: Path, closed_port: int) -> None:
    assert run_on_sqlite(tmp_path, "manage.py", "migrate", "-v", "0").returncode == 0
    closed = f"redis://127.0.0.1:{closed_port}/1"

    done = run_on_sqlite(tmp_path, "manage.py", "shell", "-c", REBUILD, CELERY_BROKER_URL=closed)

    assert "status 200 shown True state pending" in done.stdout, done.stdout + done.stderr
