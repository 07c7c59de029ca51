"""Rules that need no database: search normalisation, CEP/UF, ETag parsing, filter values."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError

from apps.core import errors
from apps.real_estates.api.filters import DateOrDateTimeField
from apps.real_estates.api.views import expected_version
from apps.real_estates.export import _text
from apps.real_estates.rendering import iso
from apps.real_estates.search import build_search_text, normalize_text, search_terms
from apps.real_estates.validators import normalize_cep, validate_cep, validate_uf
from tests.real_estates.factories import RealEstateFactory


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("São Paulo", "sao paulo"),
        ("ITAÍM  Bibi", "itaim bibi"),
        ("Ação\tçÇ", "acao cc"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_text_is_normalised_without_case_accents_or_extra_spaces(text: str, normalised: str) -> None:
    assert normalize_text(text) == normalised


def test_search_text_joins_the_searched_fields_and_skips_empty_ones() -> None:
    assert build_search_text("Casa", None, "", "Itaím", "São Paulo") == "casa itaim sao paulo"


def test_a_query_is_split_into_normalised_words() -> None:
    assert search_terms("  São   PAULO ") == ["sao", "paulo"]
    assert search_terms("   ") == []


def test_a_query_drops_words_of_one_character_and_repeated_words() -> None:
    assert search_terms("casa a 2 quartos e casa") == ["casa", "quartos"]
    assert search_terms("é a") == []


@pytest.mark.parametrize(
    ("raw", "stored"), [("01310-100", "01310100"), (" 01310100 ", "01310100"), ("0131", "0131")]
)
def test_a_cep_is_stored_as_digits(raw: str, stored: str) -> None:
    assert normalize_cep(raw) == stored


@pytest.mark.parametrize("cep", ["0131010", "013101000", "0131010a", ""])
def test_an_invalid_cep_is_refused_with_its_catalog_code(cep: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_cep(cep)
    assert raised.value.code == errors.CEP_INVALID.code


@pytest.mark.parametrize("uf", ["XX", "sp", "", "SPA"])
def test_an_invalid_uf_is_refused_with_its_catalog_code(uf: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_uf(uf)
    assert raised.value.code == errors.UF_INVALID.code


class _Request:
    def __init__(self, if_match: str | None) -> None:
        self.headers = {} if if_match is None else {"If-Match": if_match}


def test_if_match_yields_the_version_it_names() -> None:
    real_estate = RealEstateFactory.build(id=uuid.uuid4(), version=3)
    assert expected_version(_Request(None), real_estate) is None
    assert expected_version(_Request("*"), real_estate) is None
    assert expected_version(_Request(real_estate.etag), real_estate) == 3
    older = f'"{real_estate.id.hex}-2"'
    assert expected_version(_Request(f'"other", {older}'), real_estate) == 2
    with pytest.raises(errors.PreconditionFailed):
        expected_version(_Request('"nonsense"'), real_estate)


@pytest.mark.parametrize(
    ("raw", "moment", "is_date"),
    [
        ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC), True),
        ("2026-01-31T10:00:00Z", datetime(2026, 1, 31, 10, tzinfo=UTC), False),
        ("2026-01-31T10:00:00", datetime(2026, 1, 31, 10, tzinfo=UTC), False),
        ("2026-01-31T07:00:00-03:00", datetime(2026, 1, 31, 10, tzinfo=UTC), False),
        ("2026-01-31T13:00:00 03:00", datetime(2026, 1, 31, 10, tzinfo=UTC), False),
    ],
)
def test_date_filters_accept_dates_and_iso_datetimes(raw: str, moment: datetime, is_date: bool) -> None:
    parsed = DateOrDateTimeField(required=False).clean(raw)
    assert parsed == (moment, is_date)


@pytest.mark.parametrize(
    ("raw", "moment"),
    [
        ("0001-01-01T00:30:00+01:00", datetime.min.replace(tzinfo=UTC)),
        ("9999-12-31T23:30:00-03:00", datetime.max.replace(tzinfo=UTC)),
    ],
)
def test_date_filters_hold_a_moment_beyond_utcs_years_1_to_9999_at_that_edge(
    raw: str, moment: datetime
) -> None:
    """Every database adapter can take the bound: SQLite's (Django converts to naive UTC) raised
    OverflowError, a 500, on the offset those moments were written with."""
    parsed, is_date = DateOrDateTimeField(required=False).clean(raw)
    assert parsed.utcoffset() == timedelta(0)
    assert (parsed.replace(tzinfo=None), is_date) == (moment.replace(tzinfo=None), False)


@pytest.mark.parametrize("raw", ["yesterday", "2026-02-30", "2026-01-31T25:00"])
def test_date_filters_refuse_anything_else(raw: str) -> None:
    with pytest.raises(forms.ValidationError):
        DateOrDateTimeField(required=False).clean(raw)


def test_datetimes_render_in_utc_with_z() -> None:
    assert iso(datetime(2026, 1, 31, 10, 0, tzinfo=UTC)) == "2026-01-31T10:00:00Z"
    assert iso(None) is None


@pytest.mark.parametrize(("cell", "safe"), [("=1+1", "'=1+1"), ("@SUM", "'@SUM"), ("Casa", "Casa"), ("", "")])
def test_export_cells_cannot_become_spreadsheet_formulas(cell: str, safe: str) -> None:
    assert _text(cell) == safe
