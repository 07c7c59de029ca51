"""The embedded default's shared cache table (`SharedDatabaseCache`, docs/adr/0045): created by
`migrate`, so every way of setting up a database (make run, the image's `migrate`) has it.
With Redis configured there is no database cache and this does nothing."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
