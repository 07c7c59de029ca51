"""The base of every catalog error and the language-aware catalog message.

Services raise subclasses of `ApiError` (generated from catalog.toml into
`generated.py`); `apps.core.exception_handler` renders them as the error envelope.
They do not depend on DRF, so services stay usable from commands and tasks.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils import translation
from django.utils.functional import lazy


def _pick_message(en: str, pt_br: str) -> str:
    language = (translation.get_language() or "en").lower()
    return pt_br if language.startswith("pt") else en


catalog_message = lazy(_pick_message, str)
"""A message that renders in the language active when it is turned into text."""


class ApiError(Exception):
    """An error a client can cause, with a stable catalog code and an HTTP status."""

    code: ClassVar[str] = "INTERNAL_ERROR"
    status_code: ClassVar[int] = 500
    default_message: ClassVar[str] = "An unexpected error occurred."

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.fields = dict(fields) if fields is not None else None
        self.headers = dict(headers) if headers is not None else {}
        super().__init__(str(self.message))


class FieldMessage:
    """A catalog message for one field of a validation error, with its code."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"FieldMessage({self.code!r})"
