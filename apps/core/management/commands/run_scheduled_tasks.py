"""Runs the tasks of Celery beat's schedule (`config/celery.py`) once each, in this process.

Production's beat runs them daily. The embedded default (`make run`) has no broker, so no beat:
`make run` runs this once before serving, and an operator keeping that server up runs it daily
from cron (docs/operations.md). The schedule is read, not copied, so the two never drift.
A task that fails is reported on stderr and the others still run; the command then fails
(CommandError, exit status 1) naming the failed entries.
"""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.module_loading import import_string

from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from config.celery import app


def _schedule() -> dict[str, Any]:
    return dict(app.conf.beat_schedule)


class Command(WriteLockedChecksCommand):
    help = (
        "Run every task of Celery beat's schedule once, here (for the embedded default, which has no beat)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", choices=sorted(_schedule()), help="Run only this entry (repeatable)."
        )

    def handle(self, *args: Any, only: list[str] | None, **options: Any) -> None:
        failed = []
        for name, entry in _schedule().items():
            if only and name not in only:
                continue
            task = import_string(entry["task"])  # our task names are their dotted paths
            # throw=False: the settings propagate in-process failures (CELERY_TASK_EAGER_PROPAGATES),
            # which would end the run at the first failing task, the others never run. A transient
            # error is retried in-process by a nested apply that does propagate: caught as well.
            try:
                result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=False)
                error = result.result if result.failed() else None
            except Exception as exc:  # noqa: BLE001 - any failure of a task is reported, the next runs
                error = exc
            if error is not None:
                failed.append(name)
                self.stderr.write(f"{name}: failed ({type(error).__name__}: {error})")
            elif options["verbosity"] > 0:
                self.stdout.write(f"{name}: {result.result}")
        if failed:
            raise CommandError(f"{len(failed)} scheduled task(s) failed: {', '.join(failed)}.")
