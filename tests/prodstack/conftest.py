"""The production-shaped stack's parts, started by the tests that break them: a Redis of the
test's own to pause, and `manage.py` run as a process of its own on the test database (its
settings read from its environment at start, as a deployed process reads them)."""

import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.db import connections

from tests.media.flaky_s3 import FlakyS3, run_flaky_s3
from tests.storage_backends import S3_CREDENTIALS, S3_REGION, s3_environment, started_on_a_free_port


@pytest.fixture(scope="module")
def flaky_s3(s3_endpoint: str) -> Iterator[FlakyS3]:
    """moto behind the proxy that fails or hangs chosen requests (tests/media/flaky_s3.py)."""
    yield from run_flaky_s3(s3_endpoint)


@pytest.fixture
def s3_through_proxy(s3_endpoint: str, flaky_s3: FlakyS3) -> Iterator[dict[str, str]]:
    """A fresh bucket, and the environment that puts a process's media storage on it through the
    proxy, as production's settings read it (`STORAGE_BACKEND=s3`, botocore's own retries)."""
    bucket = f"vivenda-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS)
    client.create_bucket(Bucket=bucket)
    flaky_s3.reset()
    yield s3_environment(bucket=bucket, endpoint=flaky_s3.endpoint)
    flaky_s3.reset()


@pytest.fixture
def paused_redis(tmp_path: Path) -> Iterator[str]:
    """The URL of a Redis that takes connections and answers nothing (SIGSTOP): a server paused,
    failing over, or behind a dropped route, which closes no connection. Resumed and stopped
    after the test."""
    server = shutil.which("redis-server") or "redis-server"
    process, port = started_on_a_free_port(
        lambda port: subprocess.Popen(  # noqa: S603 - our own throwaway server, fixed arguments
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
    )
    process.send_signal(signal.SIGSTOP)
    try:
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


def manage(*args: str, timeout: float, **env: str) -> subprocess.CompletedProcess[str]:
    """`python manage.py *args` on the test database, with `env` (`MEDIA_ROOT`, the storage, the
    broker) added to the test settings' environment; TimeoutExpired past `timeout` seconds."""
    db = connections["default"].settings_dict
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# A collector's photo upload, run by `manage("shell", "-c", UPLOAD, ...)` in a process of its own
# (the settings read at its start, as deployed): prints its status, seconds taken and body.
UPLOAD = """
import io, time
from rest_framework.test import APIClient
from tests.media import samples
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

collector = UserFactory(role="collector")
draft = RealEstateFactory(collected_by=collector)
client = APIClient(raise_request_exception=False)
client.force_authenticate(collector)
started = time.monotonic()
response = client.post(
    f"/api/v1/real-estates/{draft.pk}/photos", {"file": io.BytesIO(samples.image_bytes())}, format="multipart"
)
print("status", response.status_code, "seconds", round(time.monotonic() - started, 1))
print("body", response.content.decode())
"""
