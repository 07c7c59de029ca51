"""PASSWORD_HASH_CONCURRENCY as a fresh process reads it: cores ÷ WEB_CONCURRENCY by default, at
least one; a value that is not a whole number of at least one stops the settings from loading."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRINT = "from django.conf import settings; print(settings.PASSWORD_HASH_CONCURRENCY)"


def _load(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v for k, v in os.environ.items() if k not in {"PASSWORD_HASH_CONCURRENCY", "WEB_CONCURRENCY"}
    }
    environ.update(DJANGO_SETTINGS_MODULE="config.settings.test", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def _value(**env: str) -> int:
    result = _load(**env)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_by_default_each_worker_gets_its_share_of_the_cores() -> None:
    cores = os.process_cpu_count() or 1
    assert _value() == max(1, cores // 2)  # WEB_CONCURRENCY's default: two workers
    assert _value(WEB_CONCURRENCY="1") == cores
    assert _value(WEB_CONCURRENCY=str(cores * 4)) == 1  # more workers than cores: still one each


def test_an_explicit_value_wins() -> None:
    assert _value(PASSWORD_HASH_CONCURRENCY="3", WEB_CONCURRENCY="8") == 3


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5"])
def test_a_value_below_one_or_not_a_whole_number_is_refused(bad: str) -> None:
    result = _load(PASSWORD_HASH_CONCURRENCY=bad)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PASSWORD_HASH_CONCURRENCY" in result.stderr
