"""WSGI entry point served by granian (config/server.py: `make run`, the benchmark, the Docker image)."""

import gc
import os
import tempfile
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

type WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# What the server sets for each request; a process variable of the same name is not dropped.
_REQUEST_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REMOTE_PORT",
        "GATEWAY_INTERFACE",
        "SERVER_SOFTWARE",
    }
)


def without_process_environment(app: WSGIApp, process_environ: dict[str, str]) -> WSGIApp:
    """`app`, given each request's environ without what the process environment put in it.

    granian starts every request's environ from a copy of the process environment, as CGI
    servers do (ADR 0043). Left there, `request.META` would carry DJANGO_SECRET_KEY,
    DATABASE_URL and every other setting, and a variable such as HTTP_PROXY would read as a
    Proxy header the client sent (httpoxy). A request header that happens to equal a process
    variable of the same name is dropped too: only HTTP_* variables can collide, and none of
    ours is a header.
    """
    inherited = {key: value for key, value in process_environ.items() if key not in _REQUEST_KEYS}

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        for key, value in inherited.items():
            if environ.get(key) == value:
                del environ[key]
        return app(environ, start_response)

    return application


def largest_body() -> int:
    """The most any route reads of a body: a JSON body's limit, or a photo with its multipart."""
    from apps.media.api.parsers import MULTIPART_OVERHEAD_BYTES

    return max(
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.MEDIA_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD_BYTES
    )


def with_content_length(app: WSGIApp, limit: int) -> WSGIApp:
    """`app`, given a chunked request's body with the `CONTENT_LENGTH` Django needs to read it.

    A body sent with `Transfer-Encoding: chunked` reaches the app with no `CONTENT_LENGTH`
    (granian, as any WSGI server, decodes the chunks), and Django reads a body of unknown length
    as empty: a chunked JSON create answered "field required", a chunked PATCH 200 having
    changed nothing. Here it is read first (spooled to disk past a megabyte) and handed on with
    its length, so Django, the parsers and their limits see it as a body of that length. Past
    `limit` (what any route may take) reading stops and the declared length says "too large":
    the route refuses it with its own 413, as one declared with that length.
    nginx (production) buffers such a body and sends its length itself.
    """

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_TRANSFER_ENCODING") and not environ.get("CONTENT_LENGTH"):
            body = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - the request's
            left = limit + 1
            while left and (chunk := environ["wsgi.input"].read(min(left, 64 * 1024))):
                body.write(chunk)
                left -= len(chunk)
            environ["CONTENT_LENGTH"] = str(body.tell())
            body.seek(0)
            environ["wsgi.input"] = body
        return app(environ, start_response)

    return application


def loaded(app: WSGIApp) -> WSGIApp:
    """`app`, its URLconf (and with it every view, serializer and DRF) imported now, and what the
    process holds then frozen out of the garbage collector's sight (`gc.freeze()`, ADR 0043).

    Those objects live as long as the process; left in the collected generations, every full
    collection walks them again. A broken import fails the worker at start, not on its first
    request.
    """
    import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
    return app


application = loaded(
    without_process_environment(with_content_length(get_wsgi_application(), largest_body()), dict(os.environ))
)
