"""What the account commands share: reading answers and showing a service's refusal."""

import getpass
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, OutputWrapper

from apps.core import errors
from apps.users.models import User

MAX_TRIES = 3
CANCELLED = "Operation cancelled: nothing was written."


def ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:  # the input ended (a pipe, Ctrl-D): nothing written
        raise CommandError("aborted") from None
    except KeyboardInterrupt:  # Ctrl-C: as Django's createsuperuser says it, not a traceback
        raise CommandError(CANCELLED) from None


def ask_secret(prompt: str) -> str:
    try:
        secret = getpass.getpass(prompt=prompt)
    except EOFError:
        raise CommandError("aborted") from None
    except KeyboardInterrupt:
        raise CommandError(CANCELLED) from None
    if not secret:
        raise CommandError("aborted")
    return secret


def ask_new_password(user: User, *, stderr: OutputWrapper) -> str | None:
    """A password typed twice alike that the validators accept for `user`, within MAX_TRIES
    attempts; None when every attempt failed (each failure said on `stderr`)."""
    for _ in range(MAX_TRIES):
        password = ask_secret("Password: ")
        if password != ask_secret("Password (again): "):
            stderr.write("Error: Your passwords didn't match.")
            continue
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            stderr.write("\n".join(exc.messages))
            continue
        return password
    return None


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
