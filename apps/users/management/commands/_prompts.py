"""What the account commands share: reading answers and showing a service's refusal."""

import getpass
from typing import Any

from django.core.management.base import CommandError

from apps.core import errors


def ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:  # the input ended (a pipe, Ctrl-D): nothing written
        raise CommandError("aborted") from None


def ask_secret(prompt: str) -> str:
    try:
        secret = getpass.getpass(prompt=prompt)
    except EOFError:
        raise CommandError("aborted") from None
    if not secret:
        raise CommandError("aborted")
    return secret


def refusal(error: errors.ApiError) -> str:
    """The catalog message, then each field's messages: what the API would answer, as lines."""
    lines = [str(error.message)]
    for field, items in (error.fields or {}).items():
        lines.extend(f"  {field}: {_message(item)}" for item in items)
    return "\n".join(lines)


def _message(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("message", item))
    return str(getattr(item, "message", item))
