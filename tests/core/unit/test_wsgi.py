"""config/wsgi.py: requests do not see the process environment granian copies into environ."""

import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import WSGIRequest

from config.wsgi import with_content_length, without_process_environment


def _seen_by_app(process_environ: dict[str, str], request_environ: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return [b""]

    without_process_environment(app, process_environ)({**process_environ, **request_environ}, None)
    return seen


def test_secrets_and_proxy_variables_of_the_process_never_reach_the_request() -> None:
    process = {"DJANGO_SECRET_KEY": "s3cret", "DATABASE_URL": "postgres://x", "HTTP_PROXY": "http://evil:1"}
    seen = _seen_by_app(process, {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ACCEPT": "*/*"})
    assert not seen.keys() & process.keys()
    assert seen["HTTP_ACCEPT"] == "*/*"
    assert seen["PATH_INFO"] == "/"


def test_what_the_request_sets_is_kept_even_under_a_process_variable_name() -> None:
    process = {"SERVER_PORT": "8000", "HTTP_X_TENANT": "from-env", "PATH_INFO": "/env"}
    seen = _seen_by_app(process, {"SERVER_PORT": "8000", "HTTP_X_TENANT": "from-client", "PATH_INFO": "/api"})
    assert seen["SERVER_PORT"] == "8000"  # a server key is never taken for the process's
    assert seen["HTTP_X_TENANT"] == "from-client"
    assert seen["PATH_INFO"] == "/api"


def test_the_served_application_is_wrapped() -> None:
    from config import wsgi

    assert wsgi.application.__qualname__ == "without_process_environment.<locals>.application"


def test_the_served_application_is_frozen_out_of_the_collectors_sight_at_import() -> None:
    import gc

    # config.wsgi was imported with this module, as a server imports it.
    assert gc.get_freeze_count() > 0


def _body_django_reads(environ: dict[str, Any], limit: int) -> bytes:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        return [WSGIRequest(environ).body]

    return b"".join(with_content_length(app, limit)(environ, None))


def _request(body: bytes, **headers: str) -> dict[str, Any]:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "wsgi.input": io.BytesIO(body), **headers}


def test_a_chunked_body_reaches_django_whole() -> None:
    # As granian hands it over: the chunks decoded, no CONTENT_LENGTH.
    body = json.dumps({"title": "Casa", "description": "d" * 300_000}).encode()
    assert _body_django_reads(_request(body, HTTP_TRANSFER_ENCODING="chunked"), limit=len(body)) == body


def test_a_chunked_body_past_the_limit_is_refused_as_too_large() -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    environ = _request(b"x" * (limit * 3), HTTP_TRANSFER_ENCODING="chunked")
    sent = environ["wsgi.input"]
    with pytest.raises(RequestDataTooBig):  # the 413 PAYLOAD_TOO_LARGE of every route
        _body_django_reads(environ, limit=limit)
    assert sent.tell() == limit + 1  # read no further than it takes to know


def test_a_body_with_its_length_is_left_to_django() -> None:
    environ = _request(b'{"a": 1}trailing', CONTENT_LENGTH="8")
    assert _body_django_reads(environ, limit=1) == b'{"a": 1}'
