"""DRF's own validation messages reach a pt-BR client in Portuguese, and in Portuguese that reads
right: the ones DRF's pt_BR catalog lacks or words wrong are ours to supply (docs/adr/0138)."""

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db


def field_messages(client: APIClient, body: dict[str, Any], language: str = "pt-BR") -> dict[str, list[str]]:
    """The messages of each field a create refuses, as `address.latitude` for a nested one."""
    response = client.post(
        "/api/v1/real-estates",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    flat: dict[str, list[str]] = {}

    def walk(fields: dict[str, Any], prefix: str) -> None:
        for name, value in fields.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{name}.")
            else:
                flat[prefix + name] = [item["message"] for item in value]

    walk(error["fields"], "")
    return flat


@pytest.mark.parametrize("language", ["pt-BR", "pt-br", "pt-BR;q=0.9, en;q=0.8", "pt"])
def test_a_coordinate_too_large_for_a_float_is_refused_in_portuguese(
    collector_client: APIClient, language: str
) -> None:
    """A JSON integer past a float's range: DRF's FloatField says so in English only."""
    messages = field_messages(collector_client, payload(address={"latitude": 10**400}), language)
    assert messages == {
        "address.latitude": ["Número inteiro grande demais para ser convertido em ponto flutuante."]
    }


def test_a_coordinate_too_large_for_a_float_stays_english_by_default(collector_client: APIClient) -> None:
    messages = field_messages(collector_client, payload(address={"longitude": -(10**400)}), "fr")
    assert messages == {"address.longitude": ["Integer value too large to convert to float"]}


def test_drfs_refusals_read_as_portuguese_says_them(collector_client: APIClient) -> None:
    """DRF's pt_BR says "may not be blank" as "pode não estar em branco" (it might not be) and
    misspells "Certifque-se": ours says what the field requires."""
    messages = field_messages(collector_client, payload(title="", kind=None, price="-1"))
    assert messages == {
        "title": ["Este campo não pode estar em branco."],
        "kind": ["Este campo não pode ser nulo."],
        "price": ["Certifique-se de que este valor seja maior ou igual a 0."],
    }


def test_drfs_refusals_stay_english_by_default(collector_client: APIClient) -> None:
    messages = field_messages(collector_client, payload(title="", kind=None, price="-1"), "en")
    assert messages == {
        "title": ["This field may not be blank."],
        "kind": ["This field may not be null."],
        "price": ["Ensure this value is greater than or equal to 0."],
    }
