"""What counts as visible text (apps/core/text.py, docs/adr/0094-invisible-text-is-empty.md)."""

import unicodedata

import pytest

from apps.core.text import is_blank, visible_length


@pytest.mark.parametrize(
    "value",
    [
        "",
        " \t\n\u00a0\u3000",
        "\u200b\u200c\u200d\u2060\ufeff",  # zero-width space, non-joiner, joiner, word joiner, BOM
        "\u200e\u200f\u202e\u2066\u00ad",  # bidi marks, an override, an isolate, a soft hyphen
        "\U000e0041\U000e007f",  # tag characters
        "\u0301\u0308\u20dd\u034f\ufe0f",  # combining and enclosing marks, a grapheme joiner, a selector
        "\u115f\u1160\u3164\uffa0",  # the Hangul fillers
    ],
)
def test_text_with_nothing_a_reader_sees_is_blank(value: str) -> None:
    assert is_blank(value)
    assert visible_length(value) == 0


@pytest.mark.parametrize(
    ("value", "length"),
    [
        ("José", 4),
        (unicodedata.normalize("NFD", "José"), 4),  # the accent as a combining mark counts with its e
        (unicodedata.normalize("NFD", "Zoë"), 3),
        (unicodedata.normalize("NFD", "한국"), 2),  # Hangul syllables decomposed into jamo
        ("\u200bAna\u200b", 3),
        ("👩\u200d💻", 2),  # an emoji sequence keeps its joiner, which does not count
        ("राम", 3),  # a spacing vowel sign takes room on the line and counts
        ("a\u0301\u0301\u0301", 1),
    ],
)
def test_the_length_counts_what_a_reader_sees(value: str, length: int) -> None:
    assert visible_length(value) == length
    assert not is_blank(value)
