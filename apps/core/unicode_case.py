"""Case-insensitive matches that fold every letter on SQLite too, as PostgreSQL's do.

SQLite's `lower()`, `upper()` and `LIKE` fold ASCII letters only: `lower('SÃO PAULO')` is
`sÃo paulo`, so `city=são paulo` or a user `search` for `joão` missed `SÃO PAULO` and `JOÃO` on
the embedded default, where PostgreSQL (a UTF-8 database) folds them. `register_functions`, run
on every new SQLite connection (`connection_created`, connected in `CoreConfig.ready`), adds
`unicode_lower(text)` and `unicode_upper(text)`: each character's case mapping, one character
for one, as PostgreSQL's `lower()` and `upper()` map them (the C library's `towlower` and
`towupper`). `UnicodeLower` and `UnicodeIContains` are Django's own `Lower` and `icontains`
everywhere else, so the PostgreSQL statements are Django's, unchanged; only on SQLite do they
call these functions (docs/adr/0086).

No schema object names them (no index, constraint or view): a database file stays readable by
any SQLite client. The `lower(city)` indexes serve PostgreSQL; on SQLite these matches scan.
"""

from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField
from django.db.models.functions import Lower, Upper
from django.db.models.lookups import Contains, IContains

if TYPE_CHECKING:  # the compiler Django hands a vendor hook (`as_sqlite`); only its type is named
    from django.db.models.sql.compiler import SQLCompiler


def unicode_lower(text: str | None) -> str | None:
    """Each character's lower case; where Python's is several characters (`İ` alone: `i` and a
    combining dot), the first, Unicode's simple mapping."""
    if text is None or text.isascii():
        return None if text is None else text.lower()
    return "".join(ch.lower()[0] for ch in text)


def unicode_upper(text: str | None) -> str | None:
    """Each character's upper case; where Python's is several characters, Unicode's simple
    mapping: the title case when it is one (`ᾳ` to `ᾼ`), else the character itself (`ß`)."""
    if text is None or text.isascii():
        return None if text is None else text.upper()
    return "".join(_upper(ch) for ch in text)


def _upper(character: str) -> str:
    upper = character.upper()
    if len(upper) == 1:
        return upper
    title = character.title()
    return title if len(title) == 1 else character


def register_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created`'s receiver: the two functions on a new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("unicode_lower", 1, unicode_lower, deterministic=True)
        connection.connection.create_function("unicode_upper", 1, unicode_upper, deterministic=True)


def connect_signals() -> None:
    """Called once from CoreConfig.ready(); also makes `UnicodeIContains` a lookup of every text
    column, `<field>__unicode_icontains`, for what takes lookups by name (the admin's
    `search_fields`)."""
    connection_created.connect(register_functions, dispatch_uid="apps.core.unicode_case")
    CharField.register_lookup(UnicodeIContains, lookup_name="unicode_icontains")
    TextField.register_lookup(UnicodeIContains, lookup_name="unicode_icontains")


class UnicodeLower(Lower):
    """Django's `Lower`; on SQLite, `unicode_lower`."""

    def as_sqlite(self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="unicode_lower", **extra)


class UnicodeUpper(Upper):
    """Django's `Upper`; on SQLite, `unicode_upper`."""

    def as_sqlite(self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="unicode_upper", **extra)


class UnicodeIContains(IContains):
    """Django's `icontains`: `UPPER(column) LIKE UPPER(%s)` on PostgreSQL. On SQLite
    `unicode_upper(column) LIKE <the value's upper case>`: both sides folded as PostgreSQL folds
    them, nothing is left for SQLite's LIKE to fold. `UnicodeIContains(F("name"), term)` (a
    string) in a `filter()` or a `Q()`, or `name__unicode_icontains` (`connect_signals`)."""

    def as_sqlite(self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper) -> Any:
        return Contains(UnicodeUpper(self.lhs), unicode_upper(self.rhs)).as_sql(compiler, connection)
