"""A JSON body is UTF-8 (RFC 8259 §8.1), docs/adr/0123: one labelled with another charset is a
415 `UNSUPPORTED_MEDIA_TYPE` naming it, and nothing is written. DRF's parser decoded it as
labelled, so `charset=latin-1` stored Latin-1 text and a UTF-8 body so labelled was stored as
mojibake (`SÃ£o Paulo`)."""

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/real-estates"


def _refused(response: Any, charset: str) -> None:
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert f'"{charset}"' in error["message"]
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [
        ("latin-1", "latin-1"),
        ("ISO-8859-1", "latin-1"),
        ("windows-1252", "cp1252"),
        ("utf-16", "utf-16"),
        ("us-ascii", "utf-8"),  # a label other than UTF-8, whatever the bytes
        ("no-such-charset", "utf-8"),
    ],
)
def test_a_create_in_another_charset_is_refused_and_nothing_is_written(
    collector_client: APIClient, charset: str, encoding: str
) -> None:
    body = json.dumps(payload(), ensure_ascii=False).encode(encoding, errors="replace")
    response = collector_client.post(URL, body, content_type=f"application/json; charset={charset}")
    _refused(response, charset)
    assert not RealEstate.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=UTF-8",
        'application/json; charset="utf-8"',
        "application/json;charset=utf8",
    ],
)
def test_a_create_in_utf_8_is_read_as_sent(collector_client: APIClient, content_type: str) -> None:
    body = json.dumps(payload(), ensure_ascii=False).encode()
    response = collector_client.post(URL, body, content_type=content_type)
    assert response.status_code == 201, response.json()
    assert response.json()["address"]["city"] == "São Paulo"
    assert RealEstate.objects.get().city == "São Paulo"


def test_an_edit_in_latin_1_is_refused_and_the_name_is_kept(
    collector: User, collector_client: APIClient
) -> None:
    name = collector.name
    body = json.dumps({"name": "José Açaí"}, ensure_ascii=False).encode("latin-1")
    response = collector_client.patch(
        "/api/v1/users/me", body, content_type="application/json; charset=latin-1"
    )
    _refused(response, "latin-1")
    collector.refresh_from_db()
    assert collector.name == name


def test_the_refusal_is_in_the_clients_language(collector_client: APIClient) -> None:
    response = collector_client.post(
        URL,
        json.dumps(payload()).encode(),
        content_type="application/json; charset=latin-1",
        HTTP_ACCEPT_LANGUAGE="pt-BR",
    )
    assert response.status_code == 415
    assert response.json()["error"]["message"].startswith("O corpo")


def test_an_empty_body_with_a_charset_is_not_refused(collector_client: APIClient) -> None:
    """No body, nothing decoded: the label describes nothing (a transition reads no body)."""
    response = collector_client.get("/api/v1/users/me", content_type="application/json; charset=latin-1")
    assert response.status_code == 200


@pytest.mark.parametrize("charset", ["", " ", "x" * 200])
def test_a_charset_no_codec_is_named_so_is_refused_too(collector_client: APIClient, charset: str) -> None:
    response = collector_client.post(
        URL, json.dumps(payload()).encode(), content_type=f'application/json; charset="{charset}"'
    )
    _refused(response, charset)
    assert not RealEstate.objects.exists()
