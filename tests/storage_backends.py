"""Storage fixtures for every app: a real S3-compatible server (moto) on loopback, and a
`backend` fixture that runs a test once on local disk and once against it. Registered as a
plugin by tests/conftest.py."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import boto3
import pytest
from storages.backends.s3 import S3Storage

from apps.media import storage

S3_REGION = "us-east-1"
S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def s3_environment(*, bucket: str, endpoint: str) -> dict[str, str]:
    """The environment that puts a process's media storage (a worker's, a command's) on `bucket`
    at `endpoint`, as production's settings read it."""
    return {
        "STORAGE_BACKEND": "s3",
        "MEDIA_ROOT": "",  # the test settings would make it the S3 key prefix
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": S3_REGION,
        "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["aws_secret_access_key"],
    }


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


def _processes(pid: int) -> list[int]:
    """`pid` and its descendants (Linux's /proc): a server's workers may hold its socket."""
    children: list[str] = []
    with suppress(OSError):  # ended meanwhile
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += (task / "children").read_text().split()
    return [pid, *(descendant for child in children for descendant in _processes(int(child)))]


def _listening(pid: int, port: int) -> bool:
    """Whether process `pid` or one of its descendants holds the socket listening on
    127.0.0.1:`port` (Linux's /proc)."""
    local = f"0100007F:{port:04X}"
    rows = (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
    sockets = {f"socket:[{row[9]}]" for row in rows if row[1] == local and row[3] == "0A"}  # 0A: LISTEN
    for process in _processes(pid):
        with suppress(OSError):  # ended meanwhile
            for fd in Path(f"/proc/{process}/fd").iterdir():
                with suppress(OSError):  # closed meanwhile
                    if os.readlink(fd) in sockets:
                        return True
    return False


def started_on_a_free_port(
    start: Callable[[int], subprocess.Popen[bytes]], *, timeout: float = 10
) -> tuple[subprocess.Popen[bytes], int]:
    """`start(port)` on a free loopback port, once its process listens there.

    A port free when `_free_port` picks it may be bound by another program (another test run
    picks free ports too) before the server binds it: the server then exits, and whatever holds
    the port would answer in its place. So the server is up once the port's listening socket is
    its own (or its workers'); one that exited first starts again on another port."""
    for _ in range(5):
        port = _free_port()
        process = start(port)
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if _listening(process.pid, port):
                return process, port
            if time.monotonic() > deadline:  # pragma: no cover - only when it hangs
                process.kill()
                raise RuntimeError(f"{process.args!r} did not listen within {timeout} s")
            time.sleep(0.05)
    raise RuntimeError(f"{process.args!r} could not listen on a free port")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone server: a real HTTP S3 API, so boto3 and django-storages run unchanged,
    on a port that is its own (`started_on_a_free_port`)."""
    server = Path(sys.executable).with_name("moto_server")
    process, port = started_on_a_free_port(
        lambda port: subprocess.Popen(  # noqa: S603 - our own venv's binary, fixed arguments
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
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
    return bucket


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, settings: Any) -> str:
    """Runs a test once on local disk and once against the S3 server."""
    if request.param == "s3":
        use_s3(settings, request.getfixturevalue("s3_endpoint"))
    return str(request.param)


def everything_stored() -> list[str]:
    """Every object of the media storage, hidden files and unfinished S3 uploads included."""
    media = storage.media_storage()
    if isinstance(media, S3Storage):
        uploads = [f"unfinished upload of {upload.key}" for upload in media.bucket.multipart_uploads.all()]
        return sorted([summary.key for summary in media.bucket.objects.all()] + uploads)
    root = Path(media.path(""))
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
