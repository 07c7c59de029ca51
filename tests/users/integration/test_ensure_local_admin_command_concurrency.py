"""`ensure_local_admin` run twice at once (two `make run`, two containers starting) against real
PostgreSQL, each run on its own thread and connection: one admin is created, not two."""

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from apps.users.models import Role, User
from tests.threads import run_at_once, waiting_for

pytestmark = pytest.mark.django_db(transaction=True)


def _ensure_local_admin() -> str:
    out = io.StringIO()
    call_command("ensure_local_admin", stdout=out)
    return out.getvalue()


def _printed_credentials(output: object) -> bool:
    assert isinstance(output, str), output  # not an exception
    return bool(re.search(r"^ *password: *\S+$", output, re.MULTILINE))


def test_two_runs_at_once_create_one_admin(settings: Any) -> None:
    # Both runs found no admin, then each created one: two accounts, two passwords printed.
    settings.LOCAL_ADMIN_BOOTSTRAP = True

    outputs = run_at_once(_ensure_local_admin, _ensure_local_admin)

    assert sorted(map(_printed_credentials, outputs)) == [False, True]
    assert User.objects.filter(role=Role.ADMIN).count() == 1


def test_a_run_waits_for_one_creating_the_admin_then_creates_none(settings: Any) -> None:
    settings.LOCAL_ADMIN_BOOTSTRAP = True

    # The second run starts while the first's admin is created but not yet committed.
    second = waiting_for(_ensure_local_admin, _ensure_local_admin)

    assert not _printed_credentials(second)
    assert User.objects.filter(role=Role.ADMIN).count() == 1
