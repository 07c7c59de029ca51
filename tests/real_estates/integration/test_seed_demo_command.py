"""`manage.py seed_demo --password`: the shared password of the demo accounts is one the API's
sign-in takes. An empty one, or one past the password validators' limit, was stored and printed
as "Every account's password", and no account could sign in with it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from apps.real_estates.models import RealEstate
from apps.users.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["", "x" * 1025, "12345678"])
def test_a_password_the_validators_refuse_creates_nothing(password: str) -> None:
    with pytest.raises(CommandError, match="--password"):
        call_command("seed_demo", "--users", "3", "--real-estates", "2", "--password", password, verbosity=0)

    assert not User.objects.exists()
    assert not RealEstate.objects.exists()


def test_every_demo_account_signs_in_with_the_password_printed(client: Client) -> None:
    call_command(
        "seed_demo", "--users", "3", "--real-estates", "0", "--password", "another-demo-2027", verbosity=0
    )

    answers = [
        client.post(
            "/api/v1/sign-in",
            {"cpf": user.cpf, "password": "another-demo-2027"},
            content_type="application/json",
        ).status_code
        for user in User.objects.all()
    ]
    assert answers == [200, 200, 200]


class _ClosedPipe(StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_goes_away_ends_the_report_quietly_and_the_accounts_stay() -> None:
    """`seed_demo | head -1`: the accounts are committed before they are listed; a reader that
    stopped reading ended the run in a BrokenPipeError traceback and exit status 1, as if the
    seeding had failed."""
    call_command("seed_demo", "--users", "3", "--real-estates", "2", stdout=_ClosedPipe())  # no exception

    assert User.objects.count() == 3
    assert RealEstate.objects.count() == 2


def test_a_negative_seed_is_a_usage_error() -> None:
    # Python seeds its generator with a whole number's absolute value: `--seed -1` drew the data
    # of `--seed 1`, and a database seeded with 1 refused it as "rows made with this --seed".
    with pytest.raises(CommandError, match="--seed"):
        call_command("seed_demo", "--users", "3", "--real-estates", "2", "--seed", "-1", verbosity=0)

    assert not User.objects.exists()
