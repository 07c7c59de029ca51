import json
import re

import pytest
from django.test import Client, RequestFactory

from apps.core import views

pytestmark = pytest.mark.django_db


def test_the_schema_is_an_openapi_3_document() -> None:
    response = Client().get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    schemes = schema["components"]["securitySchemes"].values()
    assert {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"} in schemes
    assert "/api/v1/sign-in" in schema["paths"]


def test_the_swagger_ui_loads_only_local_assets() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    # The init script is served by the view itself (`?script`): the CSP allows no inline script.
    assert all(asset.startswith("/static/") or asset == "/api/v1/docs?script=" for asset in assets), assets
    assert "<script>" not in html
    assert "cdn." not in html
    script = Client().get("/api/v1/docs?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "code"),
    [
        ("post", "/api/v1/schema", {}, 405, "METHOD_NOT_ALLOWED"),
        ("get", "/api/v1/schema", {"Accept": "application/xml"}, 406, "NOT_ACCEPTABLE"),
        ("get", "/api/v1/schema?format=xml", {}, 404, "NOT_FOUND"),
        ("post", "/api/v1/docs", {}, 405, "METHOD_NOT_ALLOWED"),
        ("get", "/api/v1/docs", {"Accept": "application/xml"}, 406, "NOT_ACCEPTABLE"),
    ],
)
def test_the_schema_and_its_docs_answer_errors_in_the_json_envelope(
    method: str, path: str, headers: dict[str, str], status: int, code: str
) -> None:
    """Their own renderers are YAML and HTML; an error is the envelope in JSON all the same."""
    response = getattr(Client(), method)(path, headers=headers)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    ("handler", "status", "code"),
    [
        (lambda r: views.bad_request(r, Exception()), 400, "MALFORMED_REQUEST"),
        (lambda r: views.permission_denied(r, Exception()), 403, "PERMISSION_DENIED"),
        (lambda r: views.page_not_found(r, Exception()), 404, "NOT_FOUND"),
        (views.server_error, 500, "INTERNAL_ERROR"),
    ],
)
def test_django_level_errors_on_api_paths_use_the_envelope(handler: object, status: int, code: str) -> None:
    response = handler(RequestFactory().get("/api/v1/anything"))
    assert response.status_code == status
    assert json.loads(response.content)["error"]["code"] == code


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (lambda r: views.bad_request(r, Exception()), 400),
        (lambda r: views.permission_denied(r, Exception()), 403),
        (views.server_error, 500),
    ],
)
def test_django_level_errors_elsewhere_keep_html_pages(handler: object, status: int) -> None:
    response = handler(RequestFactory().get("/admin/anything"))
    assert response.status_code == status
    assert not response["Content-Type"].startswith("application/json")


def test_the_schema_is_generated_once_per_representation(monkeypatch: pytest.MonkeyPatch) -> None:
    """An anonymous GET of the schema cost ~150 ms of CPU (generation, then YAML), 20 times a list
    page's, as often as the anonymous rate allowed: it is made once per process and language."""
    from drf_spectacular.generators import SchemaGenerator

    from config import api

    api.SchemaView.forget()
    generated: list[object] = []
    original = SchemaGenerator.get_schema

    def counting(self: SchemaGenerator, *args: object, **kwargs: object) -> object:
        generated.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    client = Client()
    yaml = [client.get("/api/v1/schema") for _ in range(3)]
    as_json = [client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json") for _ in range(2)]
    portuguese = client.get("/api/v1/schema", HTTP_ACCEPT_LANGUAGE="pt-BR")
    # Anything else a client may put in the query is answered, and not kept.
    for value in ("xx", "en", "1"):
        assert client.get("/api/v1/schema", {"lang": value, "version": value}).status_code == 200

    assert {r.status_code for r in [*yaml, *as_json, portuguese]} == {200}
    assert len({r.content for r in yaml}) == 1
    assert yaml[1]["Content-Type"] == yaml[0]["Content-Type"]
    assert yaml[1]["Content-Disposition"] == yaml[0]["Content-Disposition"]
    assert as_json[1].json() == as_json[0].json()
    assert len(generated) == 3 + 3  # YAML, JSON, pt-BR YAML; then each uncached query
    assert len(api.SchemaView.kept()) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/health/live/", "/health/ready/", "/health/", "/metrics/", "/api", "/media", "/health"]
)
def test_a_slash_variant_of_a_probe_the_metrics_or_an_api_root_is_a_404_in_the_envelope(path: str) -> None:
    # The probes and /metrics answer JSON; a probe or scraper configured with a trailing slash got
    # Django's HTML page, with no catalog code.
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/schema"])
def test_options_on_the_schema_or_its_docs_is_a_405_in_the_envelope(path: str) -> None:
    # DRF answers OPTIONS with its metadata in the negotiated renderer: Swagger UI's HTML template
    # renderer has no template for it (a 500), the schema's YAML renderer dumped the view's notes.
    response = Client().options(path)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert response["Allow"] == "GET, HEAD"


def test_an_options_request_does_not_change_the_schema_others_are_answered() -> None:
    # The schema is kept per process after its first 200: an anonymous OPTIONS answered 200 was
    # kept too, and every later GET in that process got the OPTIONS metadata instead of the schema.
    from config import api

    api.SchemaView.forget()
    client = Client()
    client.options("/api/v1/schema")
    for accept in ("*/*", "application/vnd.oai.openapi+json"):
        client.options("/api/v1/schema", HTTP_ACCEPT=accept)
    assert client.get("/api/v1/schema").content.startswith(b"openapi: 3.")
    assert client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["openapi"]
