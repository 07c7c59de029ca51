"""The current request's id, readable anywhere in the process (logs, error bodies, tasks), and
the client's address as the throttles see it."""

import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Accept what proxies and clients commonly send (UUIDs, ULIDs, trace ids), nothing that
# could inject into logs or headers. The schema declares it (apps/core/openapi.py).
REQUEST_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}"
_VALID_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)


def accept_or_generate(candidate: str | None) -> str:
    # fullmatch: `$` would also match before a final newline, which a header value cannot carry.
    if candidate and _VALID_REQUEST_ID.fullmatch(candidate):
        return candidate
    return uuid.uuid4().hex


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> None:
    _request_id.set(value)


def client_address(request: HttpRequest) -> str:
    """The client's address: the `X-Forwarded-For` entry `NUM_PROXIES` points at, else the peer's.

    DRF's throttles decide it this way, so everything else that asks (the metrics allow-list)
    agrees with them. nginx sends exactly one `X-Forwarded-For` address (docs/adr/0046).
    """
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # reads only request.META
