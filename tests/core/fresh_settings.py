"""The settings as a fresh process reads them from its environment (a subprocess of our own
interpreter), for the tests of what a variable's value does at start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read_settings(expression: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """`print(<expression>)` after `django.setup()` under the test settings and `environment`."""
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
