"""The normalised text behind `q`: lowercased, accents stripped, whitespace collapsed.

Stored in `RealEstate.search_text` by the services, so a plain `LIKE '%term%'` is case- and
accent-insensitive on every database (and served by a trigram index on PostgreSQL).
"""

import unicodedata

SEARCHED_FIELDS: tuple[str, ...] = ("title", "description", "street", "neighborhood", "city")


def normalize_text(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def build_search_text(*parts: str | None) -> str:
    return normalize_text(" ".join(part for part in parts if part))


def search_terms(q: str) -> list[str]:
    """The distinct words of a query, normalised like the stored text; every one must match.
    Words of one character are left out: nearly every row contains them."""
    return list(dict.fromkeys(term for term in normalize_text(q).split() if len(term) > 1))
