"""The served schema is the committed contract, whatever `?version=` a client sends.

drf-spectacular read the query when the view named no version: `?version=evil` was served as
`info.version: 1.0.0 (evil)` in a file named `Vivenda API (evil).yaml`, and a CR or LF in it
was a 500 (a header cannot carry it). docs/adr/0111.
"""

import pytest
import yaml
from django.test import Client

from tests.contract.openapi_validator import SCHEMA_PATH

pytestmark = pytest.mark.django_db

COMMITTED_VERSION = yaml.safe_load(SCHEMA_PATH.read_text())["info"]["version"]


@pytest.mark.parametrize("version", ["evil", "2.0.0", "", "1.0.0", "a\r\nSet-Cookie: x=1", "\u00e9"])
def test_a_version_in_the_query_changes_nothing_in_the_schema(version: str) -> None:
    client = Client()
    plain = client.get("/api/v1/schema")

    asked = client.get("/api/v1/schema", {"version": version})

    assert asked.status_code == 200
    assert yaml.safe_load(asked.content)["info"]["version"] == COMMITTED_VERSION
    assert asked.content == plain.content
    assert asked["Content-Disposition"] == plain["Content-Disposition"]


def test_the_served_schema_names_the_committed_version() -> None:
    response = Client().get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.json()["info"]["version"] == COMMITTED_VERSION
