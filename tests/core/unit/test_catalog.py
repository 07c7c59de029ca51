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
