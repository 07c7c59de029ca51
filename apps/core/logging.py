"""Structured logging: JSON lines in production, readable lines locally, no personal data.

Both structlog loggers and the standard library's (Django, granian, Celery) go through one
formatter, so every line carries the request id bound by the middleware, and every line is
scrubbed as it is rendered: secrets under known keys are redacted, and a CPF, formatted or not,
is masked wherever it appears (the event text, any value, an exception's message and traceback),
and so is a media link's token (`/media/<redacted>`): it opens its file for an hour to whoever
holds it. Identifiers someone typed are logged as a keyed hash (`keyed_hash`), never as typed.
"""

import logging
import re
from typing import Any

import structlog
from django.utils.crypto import salted_hmac
from structlog.typing import EventDict, WrappedLogger

# Eleven digits, or `ddd.ddd.ddd-dd`, not glued to other letters or digits (so the digits inside
# a request id's hex or a longer number are left alone).
_CPF = re.compile(r"(?<![0-9A-Za-z])(\d{3})\.?(\d{3})\.?(\d{3})-?(\d{2})(?![0-9A-Za-z])")
# A media link's path (apps/media/urls.py): `/media/` where a path begins (the start, after a
# space, a quote, `=`, `(` or another slash, or after `scheme://host`), then its one segment, the
# token (after any extra slashes: `//media/<token>` and `/media//<token>` are 404s, but the token
# in them opens its file at the right path all the same). A file under MEDIA_ROOT
# (`/srv/var/media/blobs/...`) is not a link and is left alone. A scheme starts
# only where a run of scheme characters does (the look-behind): tried from every letter of a long
# run, it made the redaction quadratic in a path's length, minutes of CPU for a long request line.
# In any case (`/MEDIA/<token>` is a 404, but its token opens the file at `/media/`).
_MEDIA_LINK = re.compile(
    r"""((?:^|(?<=[\s"'(=/])|(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^/\s"']+)/media//*)[^/\s"'?#]+""",
    re.IGNORECASE,
)
_MEDIA_SEGMENT = re.compile("/media/", re.IGNORECASE)
_SECRET_KEYS = {"password", "new_password", "current_password", "token", "refresh", "access", "authorization"}


def mask_cpf(value: str) -> str:
    """`52998224725` → `***.***.247-**`: enough to tell accounts apart in a log, not to identify."""
    return _CPF.sub(lambda m: f"***.***.{m.group(3)}-**", value)


def redact_media_links(value: str) -> str:
    """`/media/<token>` → `/media/<redacted>`: the route stays recognisable, the capability goes."""
    return _MEDIA_LINK.sub(r"\1<redacted>", value) if _MEDIA_SEGMENT.search(value) else value


def keyed_hash(value: str) -> str:
    """A stable pseudonym for something a client typed (a CPF at sign-in, say): the same input
    gives the same hash, so repeated attempts can be told apart and correlated in the logs, but
    without the server's key (derived from SECRET_KEY) it cannot be reversed by trying every CPF."""
    return salted_hmac("vivenda.logging.keyed_hash", value, algorithm="sha256").hexdigest()[:24]


def _scrub(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 10**10 <= value < 10**11:
        value = str(value)  # eleven digits as a number may be a CPF too
    if isinstance(value, str):
        return mask_cpf(redact_media_links(value))
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_scrub(item) for item in value)
    if isinstance(value, (list, set, frozenset)):
        return [_scrub(item) for item in value]
    return value


def _redact(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    for key in list(event_dict):
        if key.lower() in _SECRET_KEYS:
            event_dict[key] = "[redacted]"
    return event_dict


def _mask_personal_data(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Runs in structlog's chain, so a record carries no CPF nor media link token to any handler,
    and again last before rendering, once exceptions are text and standard-library messages are
    formatted."""
    # exc_info is still an exception here; it is masked once format_exc_info has made it text.
    return {key: value if key == "exc_info" else _scrub(value) for key, value in event_dict.items()}


_shared_processors: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    _redact,
    _mask_personal_data,
]

structlog.configure(
    processors=[*_shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)


def formatter_factory(json: bool) -> logging.Formatter:
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Exceptions become text here, in both formats, so the masking below sees them.
            structlog.processors.format_exc_info,
            _mask_personal_data,
            renderer,
        ],
    )
