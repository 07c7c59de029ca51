"""Hostile clients: per-user quotas on photo uploads and real-estate creates, and the per-process
bound on concurrent decodes. Every refusal is a 4xx (or a 503 for a busy process) in the envelope
and leaves nothing behind."""

import threading
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.media.decoding import decode_slot
from apps.media.models import Blob, Photo
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import post_photo, stored_keys
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.integration.test_api_real_estates import payload

pytestmark = pytest.mark.django_db


def test_the_upload_quota_answers_429_with_retry_after_and_its_code(
    rates: dict[str, str], collector_client: APIClient, client_for: Any, collector: User
) -> None:
    rates["photo_upload"] = "2/min"
    draft = RealEstateFactory(collected_by=collector)
    for color in ("#101", "#202"):
        assert post_photo(collector_client, draft, samples.image_bytes(color=color)).status_code == 201

    refused = post_photo(collector_client, draft, samples.image_bytes(color="#303"))
    in_portuguese = collector_client.post(
        reverse("real-estate-photos", kwargs={"real_estate_id": draft.pk}),
        {"file": b""},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="pt-BR",
    )

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "PHOTO_UPLOAD_QUOTA_EXCEEDED"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert in_portuguese.status_code == 429
    assert in_portuguese.json()["error"]["message"].startswith("Você enviou fotos demais")
    assert Photo.objects.count() == Blob.objects.count() == 2  # the refused one left nothing
    assert len(stored_keys()) == 2


def test_the_upload_quota_is_per_user_and_only_for_uploads(
    rates: dict[str, str], collector_client: APIClient, manager_client: APIClient, collector: User
) -> None:
    rates["photo_upload"] = "1/min"
    draft = RealEstateFactory(collected_by=collector)
    assert post_photo(collector_client, draft, samples.image_bytes()).status_code == 201
    assert post_photo(collector_client, draft, samples.image_bytes(color="#456")).status_code == 429

    assert post_photo(manager_client, draft, samples.image_bytes(color="#789")).status_code == 201
    listing = reverse("real-estate-photos", kwargs={"real_estate_id": draft.pk})
    assert collector_client.get(listing).status_code == 200  # reads are not counted


def test_the_create_quota_answers_429_with_retry_after_and_its_code(
    rates: dict[str, str], collector_client: APIClient, manager_client: APIClient
) -> None:
    rates["real_estate_create"] = "2/min"
    url = reverse("real-estate-list")
    for _ in range(2):
        assert collector_client.post(url, payload(), format="json").status_code == 201

    refused = collector_client.post(url, payload(), format="json")

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "REAL_ESTATE_CREATE_QUOTA_EXCEEDED"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert RealEstate.objects.count() == 2
    assert collector_client.get(url).status_code == 200  # the list is not counted
    assert manager_client.post(url, payload(), format="json").status_code == 201  # per user


def test_a_process_with_every_decode_slot_taken_answers_503_and_stores_nothing(
    settings: Any, collector_client: APIClient, collector: User
) -> None:
    settings.MEDIA_MAX_CONCURRENT_DECODES = 1
    settings.MEDIA_DECODE_WAIT_SECONDS = 0.2
    draft = RealEstateFactory(collected_by=collector)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with decode_slot():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        busy = post_photo(collector_client, draft, samples.image_bytes())
    finally:
        release.set()
        holder.join()
    after = post_photo(collector_client, draft, samples.image_bytes())

    assert busy.status_code == 503
    assert busy.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert busy["Retry-After"] == "1"
    assert after.status_code == 201  # the slot is free again
    assert Photo.objects.count() == 1
