"""`ensure_local_admin` run twice at once (two `make run`, two containers starting) against real
PostgreSQL, each run on its own thread and connection: one admin is created, not two. And one
whose credentials could not be printed creates none."""

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


class _ClosedPipe(io.StringIO):
    """Standard output whose reader went away (`make run | head`, a terminal closed)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_credentials_that_could_not_be_printed_leave_no_admin_behind(settings: Any) -> None:
    # The admin was committed, then printing its password failed: no one knew it, and the next
    # run found an admin who can sign in and printed nothing (a changepassword by hand).
    settings.LOCAL_ADMIN_BOOTSTRAP = True

    with pytest.raises(BrokenPipeError):
        call_command("ensure_local_admin", stdout=_ClosedPipe())

    assert not User.objects.filter(role=Role.ADMIN).exists()
    assert _printed_credentials(_ensure_local_admin())
