"""Reads of the change log: positions, the finished horizon and the caller's scope.

A position is `(xid, id)`. On PostgreSQL `xid` is the writing transaction's id and the log is
read in `(xid, id)` order, only below the snapshot's `xmin`: every transaction with a smaller
id has ended, so no change can later appear behind a position already handed out, however
transactions interleave or commit out of order. On SQLite (one writer at a time, ids never
reused) `xid` is 0 and `id` alone is the commit order. See docs/adr/0080.
"""

from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest
from django.db.models.sql.compiler import SQLCompiler

if TYPE_CHECKING:
    from apps.sync.models import RealEstateChange  # noqa: F401 - named by the QuerySet's type argument


class Position(NamedTuple):
    """A place in the log: every change at or before it has been handed out."""

    xid: int
    id: int


class CurrentTransactionId(Func):
    """The writing transaction's id as a bigint (PostgreSQL 13+; assigns one if needed)."""

    template = "pg_current_xact_id()::text::bigint"
    arity = 0
    output_field = models.BigIntegerField()


class FinishedHorizon(Func):
    """The statement snapshot's `xmin`: every transaction id below it has committed or aborted."""

    template = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
    arity = 0
    output_field = models.BigIntegerField()


class StatementHorizon(Func):
    """`FinishedHorizon` as a scalar subquery, `(SELECT …)`: evaluated once per statement (an
    InitPlan) against the statement's own snapshot, so it can ride along as a column of a read
    whose rows that snapshot shows (`start_position` without a statement of its own)."""

    template = f"(SELECT {FinishedHorizon.template})"
    arity = 0
    output_field = models.BigIntegerField()


class RowComparison(Func):
    """`(a, b) > (x, y)` (any of `<`, `<=`, `>`, `>=`): one row comparison. A btree index on
    `(a, b)` serves it as one range bound, where the equivalent `a > x OR (a = x AND b > y)`
    would be a filter over every entry before the position. PostgreSQL and SQLite (3.15+) both
    compare row values."""

    output_field = models.BooleanField()

    def __init__(self, columns: tuple[str, ...], operator: str, values: tuple[Any, ...]) -> None:
        if operator not in ("<", "<=", ">", ">=") or len(columns) != len(values):
            raise ValueError(f"not a row comparison: {columns} {operator} {values}")
        self.operator = operator
        super().__init__(*(F(column) for column in columns), *(Value(value) for value in values))

    def as_sql(  # type: ignore[override]  # narrower than Func's: no template or joiner to take
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        half = len(parts) // 2
        return f"({', '.join(parts[:half])}) {self.operator} ({', '.join(parts[half:])})", params


class InArray(Func):
    """`column IN (SELECT unnest(%s))` with the values as one array parameter (PostgreSQL): a
    page's 500 ids cost one parameter to prepare and bind, where `__in` prepares, binds and
    parses 500. Read as a join, the planner probes the primary key per id; with `= ANY(%s)` it
    ANDed the ids' bitmap with the collector's index (every row of theirs) instead."""

    output_field = models.BooleanField()

    def __init__(self, column: str, values: list[Any]) -> None:
        self.values = values
        super().__init__(F(column))

    def as_sql(  # type: ignore[override]  # narrower than Func's: no template or joiner to take
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        (column,) = self.get_source_expressions()
        sql, params = compiler.compile(column)
        return f"{sql} IN (SELECT unnest(%s))", [*params, self.values]


def among(column: str, values: list[Any]) -> Any:
    """A filter on `column` being one of `values`: one array parameter on PostgreSQL, `IN`
    elsewhere (SQLite has no arrays)."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return InArray(column, values)
    return Q(**{f"{column}__in": values})


def as_text(column: str) -> Any:
    """`column` read as PostgreSQL's text for it (`::text`): the very characters its text
    output sends anyway, loaded as a plain string instead of a `UUID` or a `Decimal` that the
    renderer would only turn back into the same string. Elsewhere the column as it is (SQLite
    stores a UUID as 32 hex digits without hyphens)."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return Cast(column, output_field=models.TextField())
    return column


class AtUTC(Func):
    """`column AT TIME ZONE 'UTC'`: a `timestamptz` as the UTC wall time (`timestamp`), which
    psycopg loads in C, where Django's loader for `timestamptz` runs Python per value to set the
    connection's time zone (docs/adr/0080, second addendum)."""

    template = "(%(expressions)s AT TIME ZONE 'UTC')"
    arity = 1
    output_field = models.DateTimeField()


def as_utc(column: str) -> Any:
    """`column` (a `timestamptz`) as a naive UTC datetime on PostgreSQL (`AtUTC`); elsewhere the
    column as it is (Django's converters make it aware)."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return AtUTC(F(column))
    return column


def ordered_by_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `xid` orders the log (PostgreSQL) or `id` alone does (SQLite, one writer)."""
    return connections[using].vendor == "postgresql"


def transaction_id() -> Any:
    """The value of `xid` for a row written now, in the current transaction."""
    return CurrentTransactionId() if ordered_by_transaction() else 0


class RealEstateChangeQuerySet(models.QuerySet["RealEstateChange"]):
    def seen_by_after(self, user: Any, position: Position) -> "RealEstateChangeQuerySet":
        """The changes `user` sees after `position`: managers and admins every change; a collector
        those of real estates they collected at the time of the change (tombstones included).

        For a collector the position is compared with their id in front, `(collected_by_id, xid,
        id) > (me, …)`, a bound only their index `(collected_by_id, xid, id)` can start from. With
        `(xid, id)` alone the planner may walk the whole log's position index filtering for them
        (it judges a row comparison by its first column, and a bulk write shares one `xid`)."""
        if user.is_manager_or_admin:
            return self.filter(RowComparison(("xid", "id"), ">", position))
        return self.filter(
            Q(collected_by_id=user.pk),
            RowComparison(("collected_by_id", "xid", "id"), ">", (user.pk, *position)),
        )

    def at_or_before(self, position: Position) -> "RealEstateChangeQuerySet":
        return self.filter(RowComparison(("xid", "id"), "<=", position))

    def finished(self) -> "RealEstateChangeQuerySet":
        """Only changes whose transaction can no longer be running: never hand out a position
        that an uncommitted transaction could later land behind."""
        if ordered_by_transaction(self.db):
            return self.filter(xid__lt=FinishedHorizon())
        return self  # SQLite: a reader sees no uncommitted row, and a later writer gets a larger id

    def in_log_order(self) -> "RealEstateChangeQuerySet":
        return self.order_by("xid", "id")

    def start_horizon(self) -> Any:
        """`start_position()`'s horizon as a column a read of the real estates can carry
        (PostgreSQL; `StatementHorizon`): every change below it is visible to that read, as to
        any statement run after `start_position()`. None where `id` orders the log (SQLite):
        there the start position stays a statement of its own."""
        return StatementHorizon() if ordered_by_transaction(self.db) else None

    def start_position(self) -> Position:
        """Where the log continues after a full read of the table begun now: every change
        before it is visible to any statement run from now on."""
        if ordered_by_transaction(self.db):
            # Every transaction below the horizon has ended: what it wrote is visible from now
            # on. Changes at or above it come after (ids start at 1, so `(xmin, 0)` precedes them).
            with connections[self.db].cursor() as cursor:
                cursor.execute(f"SELECT {FinishedHorizon.template}")
                row = cursor.fetchone()
            return Position(xid=int(row[0]), id=0)
        # The last id handed out: the log's, or the purge mark's once the purge has removed the
        # entries above every remaining one (AUTOINCREMENT never hands out an id again). Without
        # the mark a first sync after a purge of the whole log would start below it (a 410).
        marks = self.model._meta.apps.get_model("sync", "PurgeMark").objects.filter(pk=1)
        purged = Subquery(marks.values("change_id")[:1])
        last = self.aggregate(last=Greatest(Coalesce(models.Max("id"), 0), Coalesce(purged, 0)))["last"]
        return Position(xid=0, id=last)
