"""A UUID in a route's path reads in either case (RFC 9562 §4), on every route that takes one."""

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from apps.users.models import User
from tests.media.factories import PhotoFactory

pytestmark = pytest.mark.django_db


def photo_paths(estate: str, photo: str) -> list[str]:
    base = f"/api/v1/real-estates/{estate}"
    return [base, f"{base}/photos", f"{base}/photos/{photo}"]


def test_a_real_estate_its_photos_and_a_photo_read_the_same_by_upper_case_ids(
    collector: User, collector_client: APIClient
) -> None:
    photo = PhotoFactory(real_estate__collected_by=collector)
    estate, image = str(photo.real_estate_id), str(photo.pk)
    with time_machine.travel(timezone.now(), tick=False):  # the photos' links are signed per second
        for as_issued, upper in zip(
            photo_paths(estate, image), photo_paths(estate.upper(), image.upper()), strict=True
        ):
            expected = collector_client.get(as_issued)
            assert expected.status_code == 200, as_issued
            assert collector_client.get(upper).json() == expected.json(), upper


def test_a_user_reads_the_same_by_an_upper_case_id(admin_client: APIClient, collector: User) -> None:
    as_issued = admin_client.get(f"/api/v1/users/{collector.pk}")
    in_upper_case = admin_client.get(f"/api/v1/users/{str(collector.pk).upper()}")
    assert as_issued.status_code == 200
    assert in_upper_case.json() == as_issued.json()


@pytest.mark.parametrize("path", ["/api/v1/users/{}", "/api/v1/real-estates/{}/photos"])
def test_an_id_with_a_letter_past_f_is_still_not_found(admin_client: APIClient, path: str) -> None:
    response = admin_client.get(path.format("0000000G-0000-0000-0000-000000000000"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
