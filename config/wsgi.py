"""WSGI entry point served by granian (config/server.py: `make run`, the benchmark, the Docker image)."""

import gc
import os
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


application = loaded(without_process_environment(get_wsgi_application(), dict(os.environ)))
