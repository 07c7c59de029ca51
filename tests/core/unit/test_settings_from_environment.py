"""Settings other than numbers as a fresh process reads them from the environment: a value the
application cannot use stops the settings from loading, naming the variable, instead of being
read as something else or failing at the first request that needs it."""

import os
import subprocess
import sys

import pytest

from tests.core.unit.test_number_settings import ROOT

RATES = "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']"


def _read(expression: str, **environment: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **environment}
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("THROTTLE_USER_RATE", "abc"),
        ("THROTTLE_ANON_RATE", "300/mn"),
        ("THROTTLE_SIGN_IN_CPF_RATE", "10/0min"),  # a window of no time: a division by zero
        ("THROTTLE_REAL_ESTATE_CREATE_RATE", ""),
    ],
)
def test_a_throttle_rate_the_throttles_cannot_read_stops_the_settings(name: str, value: str) -> None:
    # It used to load, and every request a throttle with that rate saw answered 500.
    result = _read(RATES, **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_a_rate_of_several_units_is_read() -> None:
    result = _read(f"{RATES}['sign_in_cpf']", THROTTLE_SIGN_IN_CPF_RATE="5/10min")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5/10min"
