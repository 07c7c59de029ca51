"""Generates the exception classes and docs/errors.md from the error catalog."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from apps.core.errors.catalog import GENERATED_MODULE_PATH, load_catalog, render_markdown, render_module
from apps.core.management.busy_sqlite import WriteLockedChecksCommand


class Command(WriteLockedChecksCommand):
    help = "Generate apps/core/errors/generated.py and docs/errors.md from catalog.toml."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the generated files are stale.")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        errors, fields = load_catalog()
        outputs: dict[Path, str] = {
            GENERATED_MODULE_PATH: render_module(errors, fields),
            Path(settings.BASE_DIR) / "docs" / "errors.md": render_markdown(errors, fields),
        }
        stale = [path for path, text in outputs.items() if not path.exists() or path.read_text() != text]
        if check:
            if stale:
                names = ", ".join(str(p.relative_to(settings.BASE_DIR)) for p in stale)
                raise CommandError(f"Stale generated files: {names}. Run `python manage.py generate_errors`.")
            self.stdout.write("Error catalog: generated files are up to date.")
            return
        for path in stale:
            path.write_text(outputs[path])
            self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(f"{len(errors)} error codes, {len(fields)} field codes.")
