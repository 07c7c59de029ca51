"""config/wsgi.py: requests do not see the process environment granian copies into environ."""

from typing import Any

from config.wsgi import without_process_environment


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
