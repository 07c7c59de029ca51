"""`manage.py export_real_estates`: the API's CSV export (or JSON Lines) to a file or stdout.

The filters are the list's own FilterSet, one option per filter (`--status approved --city "São
Paulo" --min-price 100000 --ordering -price --near -23.55,-46.63`; a value starting with `-` is
the option's value), so the command and the API can never disagree. CSV is
`apps.real_estates.export.csv_lines`, byte for byte what `GET /api/v1/real-estates/export`
streams; JSON Lines is one list item per line, as the list endpoint renders it. Both read their
rows through `export.streamed` (a chunk at a time; on PostgreSQL a server-side cursor inside a
transaction):
memory stays flat whatever the size, and PostgreSQL does not compute the whole result before
the first row. A progress bar goes to stderr only when stderr is a terminal.
An operator's command: no visibility scoping, every real estate is exported.

`--output FILE` is written whole or not at all: the lines go to a temporary file beside it, which
replaces FILE only once every row is in, so a run that fails half-way (a full disk, a lost
database), or is stopped by Ctrl-C or SIGTERM, leaves FILE as it was and nothing else behind
(`unwound_on_sigterm`). A device or a pipe (`/dev/stdout`, a FIFO) is written directly. Any
failure to write is a CommandError, not a traceback.

`--to-storage` writes the CSV to the default storage (`exports/<id>.csv`) and prints its key;
`--enqueue` does the same on a Celery worker (`apps.real_estates.tasks.export_real_estates`)
and prints the task id. The key, too, shows only a whole export, and a run that fails leaves
nothing in storage (`export.real_estate_export_to_storage`, docs/adr/0093).
"""

import functools
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from typing import Any, TextIO

import orjson
from django.core.management.base import CommandError, CommandParser
from django.http import QueryDict
from kombu.exceptions import OperationalError as BrokerUnreachable
from tqdm import tqdm

from apps.core import errors
from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from apps.core.management.output import silence_stdout
from apps.core.management.termination import unwound_on_sigterm
from apps.real_estates.api.filters import RealEstateFilterSet
from apps.real_estates.api.serializers import RealEstateListItemSerializer
from apps.real_estates.export import csv_lines, real_estate_export_to_storage, streamed
from apps.real_estates.models import RealEstate
from apps.real_estates.querysets import ListingRows

FORMATS = ("csv", "jsonl")


def _option(filter_name: str) -> str:
    return "--" + filter_name.replace("_", "-")


_FILTER_OPTIONS = frozenset(_option(name) for name in RealEstateFilterSet.base_filters)


def _dashed_values_attached(args: Sequence[str]) -> list[str]:
    """`--near -23.55,-46.63` as `--near=-23.55,-46.63`: argparse takes a value that starts with
    `-` and is not a plain number for an option ("expected one argument"), and every point in
    Brazil, a box around one, and a descending `--ordering -price` start with one. A filter
    option's next argument is its value unless it is an option itself (`--…`, or a short `-x`)."""
    attached: list[str] = []
    pending = list(args)
    while pending:
        arg = pending.pop(0)
        value = pending[0] if pending else ""
        if arg in _FILTER_OPTIONS and value.startswith("-") and not value.startswith("--") and len(value) > 2:
            attached.append(f"{arg}={pending.pop(0)}")
        else:
            attached.append(arg)
    return attached


@contextmanager
def _output_file(path: str) -> Iterator[TextIO]:
    """`path` opened for the export's text: a regular file (or a new one) through a temporary
    file in the same directory that replaces it on success and is removed on failure; a device
    or a FIFO directly. OSError from opening, writing or replacing reaches the caller."""
    try:
        mode = os.stat(path).st_mode  # through symlinks (`/proc/self/fd/1` names a pipe)
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "w", encoding="utf-8", newline="") as file:
            yield file
        return
    target = os.path.realpath(path)  # through a symlink: the file it names is replaced, not the link
    directory, name = os.path.split(target)
    partial = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.part")
    # Created as `open` creates a file (0o666 less the umask); an existing file keeps its mode.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if mode is not None:
            os.fchmod(fd, stat.S_IMODE(mode))
        with open(fd, "w", encoding="utf-8", newline="") as file:
            yield file
        os.replace(partial, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(partial)
        raise


def jsonl_lines(queryset: ListingRows) -> Iterator[str]:
    """One list item per line, read as the CSV's rows are (`export.streamed`: a chunk at a time
    from a cursor PostgreSQL does not materialise first)."""
    render = RealEstateListItemSerializer().to_representation
    with streamed(queryset) as rows:
        for row in rows:
            # orjson as the API renders (UTC datetimes end in `Z`).
            yield orjson.dumps(render(row), option=orjson.OPT_UTC_Z).decode() + "\n"


class Command(WriteLockedChecksCommand):
    help = "Export real estates as the API's CSV (or JSON Lines), filtered like the list."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """The command's parser, reading a filter's value that starts with `-` as that value
        (`_dashed_values_attached`), from the command line and from `call_command` alike."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parse_args = parser.parse_args

        def parse_with_dashed_values(args: Sequence[str] | None = None, namespace: Any = None) -> Any:
            return parse_args(None if args is None else _dashed_values_attached(args), namespace)

        parser.parse_args = parse_with_dashed_values  # type: ignore[method-assign,assignment]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or jsonl")
        parser.add_argument(
            "--output",
            "-o",
            default="-",
            help="file to write; `-` (default) is stdout (not with --to-storage, --enqueue)",
        )
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--to-storage", action="store_true", help="CSV to storage; print its key.")
        where.add_argument(
            "--enqueue", action="store_true", help="CSV to storage on a worker; print the task id."
        )
        filters = parser.add_argument_group("filters (the list endpoint's query parameters)")
        for name, filter_ in RealEstateFilterSet.base_filters.items():
            help_text = filter_.extra.get("help_text") or f"same as `?{name}=` on the list"
            filters.add_argument(_option(name), dest=f"filter_{name}", metavar="VALUE", help=help_text)

    def handle(self, *args: Any, **options: Any) -> None:
        with unwound_on_sigterm():  # a temporary file is removed, as a failed run removes it
            self.export(**options)

    def export(self, **options: Any) -> None:
        params = QueryDict(mutable=True)
        for name in RealEstateFilterSet.base_filters:
            value = options.get(f"filter_{name}")
            if value is not None:
                params[name] = value
        filterset = RealEstateFilterSet(data=params, queryset=RealEstate.objects.with_listing_data())
        if not filterset.is_valid():
            problems = "; ".join(
                f"{_option(field)}: {' '.join(str(m) for m in messages)}"
                for field, messages in filterset.errors.items()
            )
            raise CommandError(f"Invalid filter: {problems}")
        queryset: ListingRows = filterset.qs
        if options["to_storage"] or options["enqueue"]:
            filters = {name: str(params[name]) for name in params}
            self.to_storage(
                filters, enqueue=options["enqueue"], fmt=options["format"], output=options["output"]
            )
            return
        with_distance = filterset.form.cleaned_data.get("near") is not None  # a last column, as the API's
        lines = (
            csv_lines(queryset, with_distance=with_distance)
            if options["format"] == "csv"
            else jsonl_lines(queryset)
        )
        header_lines = 1 if options["format"] == "csv" else 0
        to_stdout = options["output"] == "-"
        try:
            with ExitStack() as stack:
                if to_stdout:
                    write: Callable[[str], Any] = functools.partial(
                        self.stdout.write, ending=""
                    )  # lines end themselves
                else:
                    write = stack.enter_context(_output_file(options["output"])).write
                try:
                    written = self.copy(lines, write, queryset, header_lines=header_lines)
                except BrokenPipeError:
                    # The reader went away (`export_real_estates | head`): stop quietly, as Unix
                    # tools do, and keep the interpreter's final flush from failing again.
                    if to_stdout:
                        silence_stdout()
                    return
                finally:
                    close = getattr(lines, "close", None)  # a generator: ends its server-side cursor now
                    if close is not None:
                        close()
        except OSError as exc:  # opening, writing or replacing the file (a full disk, no permission)
            where = "stdout" if to_stdout else options["output"]
            raise CommandError(f"Cannot write {where}: {exc.strerror or exc}") from exc
        if options["output"] != "-" and options["verbosity"] > 0:
            self.stderr.write(f"Wrote {written} real estates to {options['output']}.")

    def to_storage(self, filters: dict[str, str], *, enqueue: bool, fmt: str, output: str) -> None:
        if fmt != "csv":
            raise CommandError("--to-storage and --enqueue write CSV only.")
        if output != "-":
            raise CommandError("--output goes with neither --to-storage nor --enqueue (they print a key).")
        try:
            if enqueue:  # in-process without a broker: the storage's failure arrives here too
                from apps.real_estates.tasks import export_real_estates

                self.stdout.write(str(export_real_estates.delay(filters=filters).id))
            else:
                self.stdout.write(real_estate_export_to_storage(filters=filters))
        except errors.ApiError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        except BrokerUnreachable as exc:  # --enqueue with the broker down (after kombu's retries)
            raise CommandError(
                f"{errors.ServiceUnavailable.code}: the task queue is unreachable ({exc}); "
                "try again, or write it here with --to-storage."
            ) from exc

    def copy(
        self,
        lines: Iterable[str],
        write: Callable[[str], Any],
        queryset: ListingRows,
        *,
        header_lines: int,
    ) -> int:
        """Writes every line; returns how many real estates that was."""
        show_progress = sys.stderr.isatty()
        total = queryset.count() + header_lines if show_progress else None  # one COUNT, only for the bar
        count = -header_lines
        with tqdm(total=total, unit="row", disable=not show_progress, file=sys.stderr) as progress:
            for line in lines:
                write(line)
                count += 1
                progress.update(1)
        return count
