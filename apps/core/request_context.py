"""The current request's id, readable anywhere in the process (logs, error bodies, tasks)."""

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Accept what proxies and clients commonly send (UUIDs, ULIDs, trace ids), nothing that
# could inject into logs or headers.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")


def accept_or_generate(candidate: str | None) -> str:
    if candidate and _VALID_REQUEST_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> None:
    _request_id.set(value)
