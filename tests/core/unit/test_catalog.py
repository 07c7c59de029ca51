from pathlib import Path

import pytest

from apps.core import errors
from apps.core.errors.catalog import load_catalog, render_markdown, render_module


def test_every_catalog_entry_has_both_languages_and_a_status() -> None:
    error_entries, field_entries = load_catalog()
    assert error_entries
    assert all(e.status and 400 <= e.status <= 599 for e in error_entries)
    assert all(set(e.messages) == {"en", "pt-BR"} for e in error_entries + field_entries)


def test_codes_are_unique_across_errors_and_fields() -> None:
    error_entries, field_entries = load_catalog()
    codes = [e.code for e in error_entries + field_entries]
    assert len(codes) == len(set(codes))


def test_generated_classes_carry_their_code_and_status() -> None:
    assert errors.RealEstateNotFound.code == "REAL_ESTATE_NOT_FOUND"
    assert errors.RealEstateNotFound.status_code == 404
    assert issubclass(errors.Throttled, errors.ApiError)


def test_a_catalog_entry_without_a_translation_is_refused(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[errors.SOMETHING]\nstatus = 400\nen = "Something"\n')
    with pytest.raises(ValueError, match="pt-BR"):
        load_catalog(catalog)


def test_a_catalog_entry_with_a_success_status_is_refused(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[errors.SOMETHING]\nstatus = 200\nen = "a"\npt-BR = "b"\n')
    with pytest.raises(ValueError, match="status"):
        load_catalog(catalog)


def test_rendering_is_deterministic() -> None:
    error_entries, field_entries = load_catalog()
    assert render_module(error_entries, field_entries) == render_module(error_entries, field_entries)
    assert "`REAL_ESTATE_NOT_FOUND` | 404" in render_markdown(error_entries, field_entries)


def test_a_variant_is_a_message_of_its_error_class_in_each_language() -> None:
    error_entries, _ = load_catalog()
    (entry,) = [e for e in error_entries if e.code == "UNSUPPORTED_MEDIA_TYPE"]
    assert set(entry.variants["charset"]) == {"en", "pt-BR"}
    assert "{charset}" in str(errors.UnsupportedMediaType.charset_message)
    assert "`UNSUPPORTED_MEDIA_TYPE` (charset) | 415" in render_markdown(error_entries, [])


@pytest.mark.parametrize(
    ("toml", "refusal"),
    [
        ('[errors.X.variants.other]\nen = "a"\n', "pt-BR"),
        ('[errors.X.variants.Other]\nen = "a"\npt-BR = "b"\n', "lower_snake_case"),
        ('[errors.X.variants]\nother = "a"\n', "lower_snake_case"),
    ],
)
def test_a_variant_without_a_translation_or_a_name_is_refused(
    tmp_path: Path, toml: str, refusal: str
) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(f'[errors.X]\nstatus = 415\nen = "a"\npt-BR = "b"\n{toml}')
    with pytest.raises(ValueError, match=refusal):
        load_catalog(catalog)


def test_a_field_message_has_no_variants(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        '[field_errors.X]\nen = "a"\npt-BR = "b"\n[field_errors.X.variants.y]\nen = "a"\npt-BR = "b"\n'
    )
    with pytest.raises(ValueError, match="only an error"):
        load_catalog(catalog)
