"""CPF (Cadastro de Pessoas Físicas): normalisation, check-digit validation and generation.

A CPF is 11 digits whose last two are check digits over the first nine and ten.
Input may be formatted (`529.982.247-25`); it is stored as digits only.
"""

import re
import secrets

# ASCII digits only: Python's `\d` and `str.isdigit` also take other scripts' digits (fullwidth,
# Arabic-Indic...), which are no CPF's (the database holds `[0-9]{11}`).
_FORMATTED = re.compile(r"^[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}$")


def normalize_cpf(value: str) -> str:
    """Digits only when `value` is a plain or formatted CPF; otherwise `value` stripped, unchanged."""
    stripped = value.strip()
    if _FORMATTED.match(stripped):
        return re.sub(r"[^0-9]", "", stripped)
    return stripped


def _check_digit(digits: str) -> str:
    weight = len(digits) + 1
    total = sum(int(d) * (weight - i) for i, d in enumerate(digits))
    remainder = (total * 10) % 11
    return str(0 if remainder == 10 else remainder)


def is_valid_cpf(value: str) -> bool:
    """True for 11 digits, not all the same, with both check digits right."""
    if len(value) != 11 or not (value.isascii() and value.isdigit()) or len(set(value)) == 1:
        return False
    return _check_digit(value[:9]) == value[9] and _check_digit(value[:10]) == value[10]


def generate_cpf() -> str:
    """A random valid CPF (for demo data and the local admin account)."""
    while True:
        base = "".join(str(secrets.randbelow(10)) for _ in range(9))
        if len(set(base)) > 1:
            first = _check_digit(base)
            return base + first + _check_digit(base + first)


def format_cpf(value: str) -> str:
    return f"{value[:3]}.{value[3:6]}.{value[6:9]}-{value[9:]}" if len(value) == 11 else value
