"""Structured logging: JSON lines in production, readable lines locally.

Both structlog loggers and the standard library's (Django, granian, Celery) go
through one formatter, so every line carries the request id bound by the middleware.
"""

import logging
import re
from typing import Any

import structlog
from structlog.typing import EventDict, WrappedLogger

_CPF = re.compile(r"(?<!\d)(\d{3})\.?(\d{3})\.?(\d{3})-?(\d{2})(?!\d)")
_SECRET_KEYS = {"password", "new_password", "current_password", "token", "refresh", "access", "authorization"}


def mask_cpf(value: str) -> str:
    """`52998224725` → `***.***.247-**`: enough to tell accounts apart in a log, not to identify."""
    return _CPF.sub(lambda m: f"***.***.{m.group(3)}-**", value)


def _redact(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    for key, value in list(event_dict.items()):
        if key.lower() in _SECRET_KEYS:
            event_dict[key] = "[redacted]"
        elif key == "cpf" and isinstance(value, str):
            event_dict[key] = mask_cpf(value)
    return event_dict


_shared_processors: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    _redact,
]

structlog.configure(
    processors=[*_shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)


def formatter_factory(json: bool) -> logging.Formatter:
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if json else _identity,
            renderer,
        ],
    )


def _identity(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    return event_dict
