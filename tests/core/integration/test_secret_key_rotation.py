"""Rotating DJANGO_SECRET_KEY: what the old key signed still opens while it is a fallback."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.conftest import bearer_client
from tests.media import samples
from tests.media.conftest import post_photo
from tests.sync.helpers import SYNC_URL, Replica, create

pytestmark = pytest.mark.django_db(transaction=True)

NEW_KEY = "a-new-secret-key-after-the-rotation-0123456789abcdefghijklmnopqrstuvwxyz"


def _signed_with_the_old_key(collector: User) -> tuple[str, str]:
    """A media link and a sync cursor, issued before the rotation."""
    draft: RealEstate = create(collector)
    link = post_photo(bearer_client(collector), draft, samples.image_bytes()).json()["url"]
    replica = Replica()
    replica.drain(bearer_client(collector))
    assert replica.cursor is not None
    return link, replica.cursor


def test_a_cursor_and_a_media_link_signed_with_the_old_key_open_while_it_is_a_fallback(
    collector: User, api_client: APIClient, settings: Any
) -> None:
    link, cursor = _signed_with_the_old_key(collector)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = NEW_KEY

    assert api_client.get(link).status_code == 200
    sync = bearer_client(collector).get(SYNC_URL, {"cursor": cursor})
    assert sync.status_code == 200, sync.json()
    # What the server signs from now on is signed with the new key alone.
    fresh = sync.json()["next_cursor"]
    settings.SECRET_KEY_FALLBACKS = []
    assert bearer_client(collector).get(SYNC_URL, {"cursor": fresh}).status_code == 200


def test_without_the_fallback_what_the_old_key_signed_is_refused(
    collector: User, api_client: APIClient, settings: Any
) -> None:
    link, cursor = _signed_with_the_old_key(collector)
    settings.SECRET_KEY = NEW_KEY

    assert api_client.get(link).json()["error"]["code"] == "MEDIA_LINK_INVALID"
    refused = bearer_client(collector).get(SYNC_URL, {"cursor": cursor})
    assert refused.json()["error"]["fields"]["cursor"][0]["code"] == "sync_cursor_invalid"
