"""The embedded default's second cache table, `vivenda_read_cache` (the `reads` cache of list
counts and stats, docs/adr/0130), for a database `core.0001` already set up. `createcachetable`
makes every database cache table of the settings that is missing; with Redis it does nothing."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_cache_table")]
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
