"""Storage fixtures for every app: a real S3-compatible server (moto) on loopback, and a
`backend` fixture that runs a test once on local disk and once against it. Registered as a
plugin by tests/conftest.py."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import storages

S3_REGION = "us-east-1"
S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on, for the whole test: bound here and never listened on,
    so a connection is refused at once and no other program can take the port meanwhile (one
    merely free when picked may be another test run's Redis by the time it is dialled)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def _listening(pid: int, port: int) -> bool:
    """Whether process `pid` holds the socket listening on 127.0.0.1:`port` (Linux's /proc)."""
    local = f"0100007F:{port:04X}"
    rows = (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
    sockets = {f"socket:[{row[9]}]" for row in rows if row[1] == local and row[3] == "0A"}  # 0A: LISTEN
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):  # closed meanwhile
            if os.readlink(fd) in sockets:
                return True
    return False


def _serving(process: subprocess.Popen[bytes], port: int) -> bool:
    """True once `process` listens on `port`, False if it exits first."""
    for _ in range(200):
        if process.poll() is not None:
            return False
        if _listening(process.pid, port):
            return True
        time.sleep(0.05)
    raise RuntimeError("moto_server did not start")  # pragma: no cover - only when it hangs


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone server: a real HTTP S3 API, so boto3 and django-storages run unchanged.

    A port free when `_free_port` picks it may be bound by another program (another test run
    picks free ports too) before moto binds it: moto then exits, and whatever holds the port
    would answer in its place. So the server is up once the port's listening socket is moto's
    own; if moto exited, it starts again on another port."""
    server = Path(sys.executable).with_name("moto_server")
    for _ in range(5):
        port = _free_port()
        process = subprocess.Popen(  # noqa: S603 - our own venv's binary, fixed arguments
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _serving(process, port):
            break
    else:  # pragma: no cover - only when every port picked was taken
        raise RuntimeError("moto_server could not listen on a free port")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def use_s3(settings: Any, endpoint: str) -> str:
    bucket = f"vivenda-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION, **S3_CREDENTIALS).create_bucket(
        Bucket=bucket
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "region_name": S3_REGION,
                "endpoint_url": endpoint,
                "access_key": S3_CREDENTIALS["aws_access_key_id"],
                "secret_key": S3_CREDENTIALS["aws_secret_access_key"],
                "signature_version": "s3v4",
                "addressing_style": "path",
                "querystring_auth": True,
                "querystring_expire": settings.MEDIA_URL_EXPIRY_SECONDS,
                "default_acl": None,
                "file_overwrite": True,
            },
        },
    }
    storages._storages = {}  # the setting_changed receiver does this too; be explicit
    return bucket


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, settings: Any) -> str:
    """Runs a test once on local disk and once against the S3 server."""
    if request.param == "s3":
        use_s3(settings, request.getfixturevalue("s3_endpoint"))
    return str(request.param)
