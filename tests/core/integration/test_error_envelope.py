"""Every error class a client can cause answers with the one envelope and a catalog code."""

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.urls("tests.core.urls"), pytest.mark.django_db]


def error_of(response: Any) -> dict[str, Any]:
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["request_id"] == response["X-Request-ID"]
    return body["error"]


def test_validation_errors_list_each_field_with_code_and_message(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/echo", {"name": "Al", "address": {"zip_code": "123"}}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["fields"]["name"][0]["code"] == "min_length"
    assert error["fields"]["address"]["zip_code"][0]["code"] == "invalid"


def test_a_missing_field_is_reported_as_required(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/echo", {}, format="json")
    assert error_of(response)["fields"]["name"] == [
        {"code": "required", "message": "This field is required."}
    ]


def test_malformed_json_is_a_parse_error(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/echo", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "MALFORMED_REQUEST"


def test_an_unsupported_content_type_is_415(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/echo", "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert error_of(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_a_body_over_the_cap_is_413(api_client: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api_client.post("/api/v1/echo", {"name": "x" * 500}, format="json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"


def test_no_credentials_is_401_with_a_challenge(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/private")
    assert response.status_code == 401
    assert error_of(response)["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_garbage_token_is_401_token_invalid(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    response = api_client.get("/api/v1/private")
    assert response.status_code == 401
    assert error_of(response)["code"] == "TOKEN_INVALID"


def test_a_wrong_method_is_405(api_client: APIClient) -> None:
    response = api_client.delete("/api/v1/echo")
    assert response.status_code == 405
    assert error_of(response)["code"] == "METHOD_NOT_ALLOWED"


def test_a_catalog_error_keeps_its_own_code_and_status(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/raise/catalog")
    assert response.status_code == 404
    assert error_of(response) | {"request_id": None} == {
        "code": "REAL_ESTATE_NOT_FOUND",
        "message": "Real estate not found.",
        "request_id": None,
    }


def test_throttling_is_429_with_retry_after(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/raise/throttled")
    assert response.status_code == 429
    assert error_of(response)["code"] == "THROTTLED"
    assert response["Retry-After"] == "42"


def test_an_unavailable_database_is_503_without_internals(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/raise/database")
    assert response.status_code == 503
    error = error_of(response)
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert "10.0.0.1" not in response.content.decode()
    assert response["Retry-After"]


@pytest.mark.django_db
def test_a_statement_cancelled_by_its_timeout_is_503_without_sql(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/raise/slow")
    assert response.status_code == 503
    assert error_of(response)["code"] == "SERVICE_UNAVAILABLE"
    assert "pg_sleep" not in response.content.decode()


def test_an_unexpected_error_is_500_without_traceback_or_sql(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/raise/unexpected")
    assert response.status_code == 500
    assert error_of(response)["code"] == "INTERNAL_ERROR"
    body = response.content.decode()
    assert "SELECT" not in body
    assert "Traceback" not in body


def test_an_unknown_api_url_is_404_in_the_envelope(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/no/such/thing", {}, format="json")
    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"


def test_an_unknown_page_outside_the_api_keeps_djangos_html_404(api_client: APIClient) -> None:
    response = api_client.get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_messages_follow_accept_language_but_codes_do_not(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/raise/catalog", HTTP_ACCEPT_LANGUAGE="pt-BR")
    error = error_of(response)
    assert error["code"] == "REAL_ESTATE_NOT_FOUND"
    assert error["message"] == "Imóvel não encontrado."


def test_framework_validation_messages_are_translated_too(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/echo", {}, format="json", HTTP_ACCEPT_LANGUAGE="pt-BR")
    error = error_of(response)
    assert error["message"] == "A requisição tem campos inválidos."
    assert error["fields"]["name"][0] == {"code": "required", "message": "Este campo é obrigatório."}


def test_english_is_the_default_language(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/raise/catalog", HTTP_ACCEPT_LANGUAGE="fr")
    assert error_of(response)["message"] == "Real estate not found."


@pytest.mark.urls("config.urls")
def test_an_unknown_api_url_is_an_enveloped_404_even_with_debug_on(
    api_client: APIClient, settings: Any
) -> None:
    settings.DEBUG = True
    response = api_client.delete("/api/v1/definitely/not/here", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "NOT_FOUND",
        "message": "The requested resource was not found.",
        "request_id": "req-0123456789",
    }


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize("body", ["[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000])
def test_a_body_nested_ten_thousand_levels_deep_is_a_malformed_request(
    api_client: APIClient, body: str
) -> None:
    response = api_client.post("/api/v1/sign-in", body, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "MALFORMED_REQUEST"


@pytest.mark.urls("config.urls")
def test_a_query_string_over_the_field_cap_is_a_malformed_request(
    admin_client: APIClient, settings: Any
) -> None:
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = admin_client.get(f"/api/v1/real-estates?{query}")
    assert response.status_code == 400
    assert error_of(response)["code"] == "MALFORMED_REQUEST"


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/%0A",
        "/api/v1/real-estates/%0A",
        "/api/v1/users/1%0D%0A/x",
        "/api/v1/%00%01%1F%7F",
        "/api/v1/%FF%FE",
        "/api/v1/real-estates/%C3%28",
        "/api/v1/%E2%80%AE/%ED%A0%80",
    ],
)
def test_any_path_under_the_api_answers_the_envelope(
    admin_client: APIClient, settings: Any, debug: bool, path: str
) -> None:
    settings.DEBUG = debug
    response = admin_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"].endswith("NOT_FOUND")


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize("query", ["?format=csv", ""])
def test_an_error_of_the_csv_export_is_json_whatever_was_negotiated(
    api_client: APIClient, query: str
) -> None:
    response = api_client.get(f"/api/v1/real-estates/export{query}", HTTP_ACCEPT="text/csv")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "NOT_AUTHENTICATED"
