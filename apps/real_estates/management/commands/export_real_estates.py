"""`manage.py export_real_estates [--filter NAME=VALUE ...] [--to-storage | --enqueue]`.

The API's CSV (same columns, same filters): to stdout, to default storage (`exports/<id>.csv`,
prints the key), or enqueued on a worker (`apps.real_estates.tasks.export_real_estates`).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.exceptions import ValidationError

from apps.real_estates.export import csv_lines, filtered_queryset, real_estate_export_to_storage


def _filter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(text)
    return name, value


class Command(BaseCommand):
    help = "Export real estates as CSV (the API's /export columns), optionally filtered like the list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--filter",
            type=_filter,
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="A list filter, e.g. --filter state=SP --filter min_price=100000 (repeatable).",
        )
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--to-storage", action="store_true", help="Write to storage; print the key.")
        where.add_argument("--enqueue", action="store_true", help="Run it on a worker; print the task id.")

    def handle(self, *args: Any, **options: Any) -> None:
        filters = dict(options["filter"])
        try:
            if options["enqueue"]:
                from apps.real_estates.tasks import export_real_estates

                filtered_queryset(filters)  # refuse bad filters here, not on the worker
                result = export_real_estates.delay(filters=filters)
                self.stdout.write(str(result.id))
            elif options["to_storage"]:
                self.stdout.write(real_estate_export_to_storage(filters=filters))
            else:
                for line in csv_lines(filtered_queryset(filters)):
                    self.stdout.write(line, ending="")
        except ValidationError as exc:
            raise CommandError(f"invalid filters: {exc.detail}") from None
