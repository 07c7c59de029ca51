"""`Accept` read with its q-values (RFC 9110 §12.5.1, docs/adr/0122): a media range at `q=0`
excludes what it matches, and of the representations a view has, the one the client rates highest
is answered. DRF's own negotiation ordered ranges by specificity and read no `q` at all."""

from typing import Any

import pytest
import yaml
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"
EXPORT = "/api/v1/real-estates/export"
SCHEMA = "/api/v1/schema"


def _refused(response: Any) -> None:
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    "accept",
    [
        "application/json;q=0",
        "application/json; q=0.0",
        "application/json;Q=0",
        "application/json;q=0, */*",  # the specific range rates JSON, not the wildcard
        "*/*;q=0.5, application/*;q=0",
        "text/html, application/json;q=0",
        "*/*;q=0",
    ],
)
def test_an_accept_rating_json_at_zero_is_a_406(collector_client: APIClient, accept: str) -> None:
    _refused(collector_client.get(ME, HTTP_ACCEPT=accept))


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/*",
        "application/json; charset=utf-8",  # a parameter JSON does not define changes nothing
        "application/json;q=0.001",
        "text/html;q=0.9, application/json;q=0.1",
        "application/json;q=0.5, */*;q=0",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # a browser's
        "application/json;q=abc",  # an unreadable q is 1, as Django reads it
    ],
)
def test_an_accept_admitting_json_is_answered_json(collector_client: APIClient, accept: str | None) -> None:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = collector_client.get(ME, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["email"]


def test_an_anonymous_request_is_negotiated_before_it_is_refused(api_client: APIClient) -> None:
    """Negotiation runs before authentication, as DRF orders it: the 406 comes first."""
    _refused(api_client.get(ME, HTTP_ACCEPT="application/json;q=0"))
    assert api_client.get(ME, HTTP_ACCEPT="application/json;q=0.2").status_code == 401


@pytest.mark.parametrize("accept", ["text/csv;q=0", "text/csv;q=0, */*", "text/*;q=0, */*;q=1"])
def test_the_export_refuses_an_accept_rating_csv_at_zero(manager_client: APIClient, accept: str) -> None:
    _refused(manager_client.get(EXPORT, HTTP_ACCEPT=accept))


@pytest.mark.parametrize("accept", ["application/json, text/csv;q=0.1", "text/csv;q=0.3, */*;q=0.1"])
def test_the_export_answers_csv_to_a_low_but_not_zero_rating(manager_client: APIClient, accept: str) -> None:
    response = manager_client.get(EXPORT, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/yaml;q=0.1, application/json;q=0.9", "application/json"),
        ("application/json;q=0.2, application/vnd.oai.openapi+json", "application/vnd.oai.openapi+json"),
        ("application/vnd.oai.openapi;q=0, */*", "application/yaml"),
        ("application/vnd.oai.openapi;q=0.5, */*;q=0.4", "application/vnd.oai.openapi"),
        # Equal ratings: the more specific range wins, as DRF chose before.
        ("*/*, application/json", "application/json"),
    ],
)
def test_the_schema_answers_the_representation_the_client_rates_highest(
    accept: str, content_type: str
) -> None:
    response = Client().get(SCHEMA, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")


def test_the_renderer_still_reads_the_parameters_of_the_range_it_was_chosen_by() -> None:
    response = Client().get(SCHEMA, HTTP_ACCEPT="application/yaml;q=0.1, application/json; indent=2; q=0.9")
    assert response["Content-Type"] == "application/json"
    assert response.content.startswith(b'{\n  "openapi"')


def test_the_schema_refuses_an_accept_rating_every_representation_at_zero() -> None:
    _refused(Client().get(SCHEMA, HTTP_ACCEPT="application/*;q=0, text/html"))


def test_format_still_narrows_the_choice_before_the_ratings() -> None:
    assert Client().get(f"{SCHEMA}?format=json", HTTP_ACCEPT="application/json;q=0.1, */*").status_code == 200
    no_yaml = "application/yaml;q=0, application/vnd.oai.openapi;q=0, */*"
    _refused(Client().get(f"{SCHEMA}?format=yaml", HTTP_ACCEPT=no_yaml))
