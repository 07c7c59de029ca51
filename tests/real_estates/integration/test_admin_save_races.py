"""The admin's change page raced by a write committing while it saves, on real PostgreSQL locks:
its `seen_version` is checked under the real estate's lock, as `If-Match` is in the API, whatever
the page changes (its fields or only its photos)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client

from apps.media import services as media_services
from apps.media.models import Photo
from apps.real_estates.models import RealEstate
from apps.users.models import Role
from tests.admin_pages import as_posted
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import CHANGELIST
from tests.threads import in_background
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _at_the_first_lock(write: Callable[[], object]) -> Callable[..., Any]:
    """A statement hook: `write` runs and commits on its own connection just before this
    connection's first row lock (the save's first service call), after the page's own reads."""
    done: list[object] = []

    def hook(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not done and "FOR NO KEY UPDATE" in sql:
            thread, outcome = in_background(write)
            thread.join()
            done.append(outcome)
        return execute(sql, params, many, context)

    return hook


def test_a_caption_saved_while_the_collector_recaptions_the_photo_is_refused_as_stale() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    manager = UserFactory(role=Role.MANAGER)
    real_estate: RealEstate = RealEstateFactory(collected_by=collector, photos=1)
    photo = Photo.objects.get(real_estate=real_estate)
    client = Client()
    client.force_login(manager)
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    data = {**as_posted(client.get(url)), "photos-0-caption": "Legenda do gerente"}

    def recaption() -> object:
        return media_services.photo_update(photo=photo, actor=collector, caption="Legenda do coletor")

    with connection.execute_wrapper(_at_the_first_lock(recaption)):
        response = client.post(url, data)

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The resource has changed since you last read it; reload it and try again."
    ]
    photo.refresh_from_db()
    assert photo.caption == "Legenda do coletor"  # not overwritten by a page read before it
    assert RealEstate.objects.get(pk=real_estate.pk).version == real_estate.version + 1
