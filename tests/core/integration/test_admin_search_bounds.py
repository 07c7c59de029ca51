"""The admin's search boxes keep the bounds of the API's `q`: a search longer than
`REAL_ESTATES_SEARCH_MAX_LENGTH` characters (every changelist), or of more than
`REAL_ESTATES_SEARCH_MAX_TERMS` words (the real estates', the API's own search), finds nothing
and says why in the catalog's words. A search of a thousand words was one condition per word,
which SQLite refuses ("Expression tree is too large"): the page answered 503 "service
unavailable" (`test_admin_search_bounds_on_sqlite.py` runs this module there)."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from apps.core import errors
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = (
    "/admin/real_estates/realestate/",
    "/admin/users/user/",
    "/admin/media/blob/",
    "/admin/audit/auditevent/",
)
THOUSAND_WORDS = " ".join(f"w{i}" for i in range(1200))


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_a_search_longer_than_the_apis_is_refused_in_its_words(admin_user: User, changelist: str) -> None:
    client = Client()
    client.force_login(admin_user)

    response = client.get(changelist, {"q": THOUSAND_WORDS})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    limit = settings.REAL_ESTATES_SEARCH_MAX_LENGTH
    assert _messages(response) == [str(errors.SEARCH_TOO_LONG.message).format(limit=limit)]


def test_a_real_estate_search_of_more_words_than_the_api_takes_is_refused_in_its_words(
    admin_user: User,
) -> None:
    RealEstateFactory(title="Casa ampla com quintal grande perto do metro e da praia")
    words = "casa ampla com quintal grande perto do metro da praia"  # nine of two letters or more
    client = Client()
    client.force_login(admin_user)

    response = client.get("/admin/real_estates/realestate/", {"q": words})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    limit = settings.REAL_ESTATES_SEARCH_MAX_TERMS
    assert _messages(response) == [str(errors.SEARCH_TOO_MANY_TERMS.message).format(limit=limit)]


def test_a_search_within_the_bounds_finds_as_before(admin_user: User) -> None:
    RealEstateFactory(title="Casa ampla com quintal grande perto do metro e da praia")
    client = Client()
    client.force_login(admin_user)

    response = client.get(
        "/admin/real_estates/realestate/", {"q": "casa ampla quintal grande perto metro da praia"}
    )

    assert response.context["cl"].result_count == 1
    assert _messages(response) == []
