"""What counts as text someone can see (docs/adr/0094-invisible-text-is-empty.md).

A required text (a user's name, a real estate's title, street and city, a rejection reason) must
say something a reader sees: whitespace alone was refused, but a string of zero-width spaces,
word joiners or byte-order marks (Unicode format characters), or of combining marks with no
letter under them, passed as text. Here such characters do not count: `visible_length` counts
the characters a reader sees, `is_blank` says there are none. They are not removed from a text
that has visible ones (a zero-width joiner is part of an emoji, a non-joiner part of a Persian
word). The API's and the admin's text fields below take an invisible-only value as an empty
one, so a required field refuses it with its usual `blank` / `required` code.
"""

import unicodedata
from typing import Any

from django import forms
from rest_framework import serializers

from apps.core.fields import TextField

# Controls, format characters (U+200B, U+2060, U+FEFF, bidi marks, tags...), separators, and the
# marks that draw nothing alone (a mark on a letter counts as part of that letter). A spacing mark
# (Mc, an Indic vowel sign) takes room on the line and counts.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
# Letters by category that Unicode makes default-ignorable (drawn as nothing): the Hangul fillers.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def _visible(char: str) -> bool:
    return not (
        char.isspace() or char in _INVISIBLE_LETTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES
    )


def visible_length(value: str) -> int:
    """How many characters of `value` a reader sees: once composed (NFC, so `José` counts 4
    whether its accent came precomposed or as a combining mark), every character but whitespace,
    controls, format characters, lone marks and the Hangul fillers."""
    return sum(1 for char in unicodedata.normalize("NFC", value) if _visible(char))


def is_blank(value: str) -> bool:
    """Nothing a reader sees: empty, whitespace, invisible characters, or marks alone."""
    return not any(_visible(char) for char in unicodedata.normalize("NFC", value))


class VisibleTextField(TextField):
    """The API's `TextField` that reads a value with nothing visible in it as `""` (as DRF reads
    whitespace alone): a required one refuses it (`blank`), an optional one stores `""`."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and is_blank(data):
            data = ""
        return super().run_validation(data)


class VisibleCharField(forms.CharField):
    """The admin's `CharField` that reads a value with nothing visible in it as `""` (as Django
    reads whitespace alone): a required one refuses it (`required`), an optional one stores `""`."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return self.empty_value if isinstance(text, str) and is_blank(text) else text
