"""Field validators of the users app, raising catalog field messages."""

from django.core.exceptions import ValidationError

from apps.core import errors
from apps.users.cpf import is_valid_cpf, normalize_cpf

NAME_MIN_LENGTH = 4
NAME_MAX_LENGTH = 150


def validate_cpf(value: str) -> None:
    if not is_valid_cpf(normalize_cpf(value)):
        raise ValidationError(errors.CPF_INVALID.message, code=errors.CPF_INVALID.code)


def validate_name(value: str) -> None:
    if not NAME_MIN_LENGTH <= len(value.strip()) <= NAME_MAX_LENGTH:
        raise ValidationError(errors.NAME_LENGTH.message, code=errors.NAME_LENGTH.code)
