import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.sync.models import RealEstateChange
from apps.users.models import User
from config.celery import app
from tests.sync.helpers import create as sync_create

ROOT = Path(__file__).resolve().parents[3]


def test_generated_error_files_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("generate_errors", check=True)
    assert "up to date" in capsys.readouterr().out


def test_generate_errors_check_fails_when_a_file_is_stale(tmp_path: Path, settings: object) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "errors.md").write_text("stale")
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match=r"docs/errors\.md"):
        call_command("generate_errors", check=True)


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JWT_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a" * 50 + "-production-secret",
        JWT_SIGNING_KEY="b" * 50 + "-production-jwt-key",
        DATABASE_URL="postgres://u@127.0.0.1:1/none",
        DJANGO_ALLOWED_HOSTS="vivenda.example.com",
        METRICS_ALLOWED_CIDRS="127.0.0.1/32",
    )
    env.update(overrides)
    return env


def test_production_settings_pass_the_deploy_check() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS"]
)
def test_production_settings_refuse_to_start_without_a_secret(missing: str) -> None:
    env = _production_env()
    del env[missing]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.django_db
def test_createsuperuser_noinput_reads_cpf_and_name_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from apps.users.models import Role, User

    monkeypatch.setenv("DJANGO_SUPERUSER_CPF", "529.982.247-25")
    monkeypatch.setenv("DJANGO_SUPERUSER_NAME", "Operator Admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-password")
    call_command("createsuperuser", interactive=False, verbosity=0)
    user = User.objects.get(cpf="52998224725")
    assert user.role == Role.ADMIN
    assert user.check_password("a-long-operator-password")


@pytest.mark.django_db
def test_ensure_local_admin_creates_one_admin_once(
    settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from apps.users.models import Role, User

    settings.LOCAL_ADMIN_BOOTSTRAP = True
    call_command("ensure_local_admin")
    call_command("ensure_local_admin")
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert capsys.readouterr().out.count("password:") == 1


def test_ensure_local_admin_refuses_outside_local_settings() -> None:
    with pytest.raises(CommandError):
        call_command("ensure_local_admin")


@pytest.mark.django_db
def test_run_scheduled_tasks_runs_beats_entries_here(
    collector: User, capsys: pytest.CaptureFixture[str]
) -> None:
    """The embedded default's stand-in for beat: each scheduled task once, in this process."""
    sync_create(collector)
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(days=31))
    expired = OutstandingToken.objects.create(
        user=collector, jti="expired", token="t", expires_at=timezone.now() - timedelta(minutes=1)
    )

    call_command("run_scheduled_tasks")

    assert not RealEstateChange.objects.exists()  # older than SYNC_RETENTION_DAYS
    assert not OutstandingToken.objects.filter(pk=expired.pk).exists()
    out = capsys.readouterr().out
    assert set(app.conf.beat_schedule) == {line.split(":")[0] for line in out.splitlines()}


@pytest.mark.django_db
def test_run_scheduled_tasks_only_runs_the_entries_named(collector: User) -> None:
    sync_create(collector)
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(days=31))
    call_command("run_scheduled_tasks", "--only", "flush-expired-tokens-daily")
    assert RealEstateChange.objects.exists()  # its purge was not named
    with pytest.raises(CommandError):
        call_command("run_scheduled_tasks", "--only", "no-such-entry")


@pytest.mark.django_db
def test_run_scheduled_tasks_runs_every_entry_when_one_fails_and_names_the_failures(
    collector: User, settings: Any, s3_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A task that fails (the bucket is gone: the media collector and the exports' purge) is
    reported and the command fails, but the others still run; no traceback."""
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    settings.STORAGES["default"]["OPTIONS"]["bucket_name"] = "no-such-bucket-here"
    sync_create(collector)
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(days=31))

    with pytest.raises(CommandError, match="2 scheduled task") as failure:
        call_command("run_scheduled_tasks")

    assert "gc-media-daily" in str(failure.value)
    assert "purge-old-exports-daily" in str(failure.value)
    assert not RealEstateChange.objects.exists()  # the purge after the failures still ran
    err = capsys.readouterr().err
    assert "gc-media-daily: failed" in err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MEDIA_GC_GRACE_HOURS", "-1"),
        ("SYNC_RETENTION_DAYS", "-1"),
        # A cursor's lifetime too: at 0 every cursor was a 410 as soon as issued, so no offline
        # client could read past its first page.
        ("SYNC_RETENTION_DAYS", "0"),
        ("REAL_ESTATES_EXPORT_RETENTION_DAYS", "nan"),
        ("REAL_ESTATES_EXPORT_RETENTION_DAYS", "1e12"),
    ],
)
def test_settings_refuse_a_period_the_daily_tasks_cannot_use(name: str, value: str) -> None:
    """A negative grace let the daily gc take objects uploads were about to link; a negative sync
    retention purged the whole log every day; NaN or a huge retention failed every purge."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(**{name: value}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


@pytest.mark.django_db
def test_run_scheduled_tasks_reports_a_task_whose_retries_all_failed(
    settings: Any, s3_endpoint: str, capsys: pytest.CaptureFixture[str], closed_port: int
) -> None:
    """A transient error (the S3 endpoint down) is retried in-process; the last attempt's failure
    escaped apply(throw=False) as a traceback."""
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{closed_port}"

    with pytest.raises(CommandError, match="purge-old-exports-daily"):
        call_command(
            "run_scheduled_tasks", "--only", "purge-old-exports-daily", "--only", "purge-sync-log-daily"
        )

    assert "purge-sync-log-daily: {'deleted': 0}" in capsys.readouterr().out
