"""Field rules of a real estate (CEP, UF), raising catalog field messages, and the spellings
they take (`normalize_cep`, `normalize_uf`), normalised before validating: the admin's form
takes the same input as the API's fields and stores the same value."""

import re

from django.core.exceptions import ValidationError

from apps.core import errors

UFS: tuple[str, ...] = (
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA",
    "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
)  # fmt: skip
CEP_PATTERN = r"^[0-9]{8}$"
_CEP_RE = re.compile(CEP_PATTERN)


def normalize_cep(value: str) -> str:
    """`01310-100` → `01310100`; anything else is left for the validator to refuse."""
    stripped = value.strip()
    if re.fullmatch(r"[0-9]{5}-?[0-9]{3}", stripped):
        return stripped.replace("-", "")
    return stripped


def normalize_uf(value: str) -> str:
    """` sp ` → `SP`: a UF in any case, surrounding spaces ignored (the API's `UfField` and the
    admin's form)."""
    return value.strip().upper()


def validate_cep(value: str) -> None:
    if not _CEP_RE.match(value or ""):
        raise ValidationError(errors.CEP_INVALID.message, code=errors.CEP_INVALID.code)


def validate_uf(value: str) -> None:
    if value not in UFS:
        raise ValidationError(errors.UF_INVALID.message, code=errors.UF_INVALID.code)
