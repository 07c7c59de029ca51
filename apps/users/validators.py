"""Field validators of the users app, raising catalog field messages."""

from django.core.exceptions import ValidationError

from apps.core import errors
from apps.core.text import visible_length
from apps.users.cpf import is_valid_cpf, normalize_cpf

NAME_MIN_LENGTH = 4
NAME_MAX_LENGTH = 150
PASSWORD_MAX_LENGTH = 1024  # a longer "password" is only a way to make the server hash megabytes


def validate_cpf(value: str) -> None:
    if not is_valid_cpf(normalize_cpf(value)):
        raise ValidationError(errors.CPF_INVALID.message, code=errors.CPF_INVALID.code)


def validate_name(value: str) -> None:
    """At least NAME_MIN_LENGTH characters a reader sees (zero-width and other invisible ones do
    not count, nor a combining mark apart from its letter: apps/core/text.py), at most
    NAME_MAX_LENGTH stored once trimmed."""
    if not (visible_length(value) >= NAME_MIN_LENGTH and len(value.strip()) <= NAME_MAX_LENGTH):
        raise ValidationError(errors.NAME_LENGTH.message, code=errors.NAME_LENGTH.code)


class MaximumLengthValidator:
    """A password validator (AUTH_PASSWORD_VALIDATORS): at most PASSWORD_MAX_LENGTH characters, the
    longest the API's sign-in takes, so no path (the admin's pages, `createsuperuser`,
    `changepassword`) sets a password its owner could never sign in with."""

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > PASSWORD_MAX_LENGTH:
            raise ValidationError(self.get_help_text(), code=errors.PASSWORD_TOO_LONG.code)

    def get_help_text(self) -> str:
        return str(errors.PASSWORD_TOO_LONG.message).format(
            limit=PASSWORD_MAX_LENGTH
        )  # in the active language
