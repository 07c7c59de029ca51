"""Peak memory one photo upload adds to a web worker (docs/performance.md, "Upload memory").

    .venv/bin/python bench/upload_memory.py [--json PATH]

Not a timed test: a measurement. For each file — every hostile file of the test suite
(tests/media/samples.py), the 208 KB single-colour 7000x7000 RGBA PNG of the hostile-clients
issue, and a few large photos that are accepted — it:

    1. starts the app as production serves it (`python -m config.server`, granian, one worker
       process with one thread, local settings on a throwaway SQLite database and media
       directory, DEBUG off, tasks in-process so the upload's thumbnails run in the request);
    2. warms the worker with two small uploads (imports, codecs, first-request caches);
    3. reads the worker's VmRSS, resets its peak (`echo 5 > /proc/PID/clear_refs`), uploads
       the file and reads VmHWM: gained = VmHWM - VmRSS before; plus the worker's CPU time.

A fresh server per file, so nothing one file freed (and the allocator kept) hides what the
next one needs. Target: gained <= 150 MB for any file, accepted or refused. Linux only.
"""

import argparse
import contextlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.media import samples  # noqa: E402 - after the path is set

TARGET_MB = 150
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Result:
    name: str
    bytes: int
    status: int
    code: str
    gained_mb: float
    cpu_ms: int


def _encoded(fmt: str, size: tuple[int, int], *, noisy: bool) -> bytes:
    from PIL import Image

    if noisy:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 75} if fmt == "JPEG" else {"compress_level": 1}))
    return out.getvalue()


FILES: dict[str, Callable[[], bytes]] = {
    # tests/media: the refused ones
    "text": lambda: samples.TEXT,
    "svg with script": lambda: samples.SVG_WITH_SCRIPT,
    "pdf": lambda: samples.PDF,
    "png signature then html": samples.png_signature_then_html,
    "png with html text chunk": samples.png_with_html_text_chunk,
    "png bomb header 30000x30000": samples.png_bomb_header,
    "truncated jpeg": samples.truncated_jpeg,
    "empty": lambda: b"",
    "11 MB (jpeg magic + zeros)": lambda: b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024),
    "flat rgba png 7000x7000 (208 KB)": samples.flat_rgba_png,
    # tests/media: accepted oddities
    "png with html appended": samples.png_with_html_appended,
    "jpeg with gps and orientation": samples.jpeg_with_gps_and_orientation,
    # accepted photos at the top of what clients send
    "noisy png 1700x1700 (8.7 MB)": lambda: _encoded("PNG", (1700, 1700), noisy=True),
    "jpeg 4000x3000 (12 MP, noisy)": lambda: _encoded("JPEG", (4000, 3000), noisy=True),
    "jpeg 8000x6000 (48 MP, decoded at 1/2)": lambda: _encoded("JPEG", (8000, 6000), noisy=False),
    "png 3500x3500 gradient (just under budget)": lambda: _encoded("PNG", (3500, 3500), noisy=False),
    "png 4000x4000 gradient (over the budget)": lambda: _encoded("PNG", (4000, 4000), noisy=False),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


SETUP = """
from rest_framework_simplejwt.tokens import RefreshToken
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory
user = User.objects.create_user(cpf="52998224725", name="Bench Collector", password="bench-password-1")
real_estate = RealEstateFactory(collected_by=user)
print(str(RefreshToken.for_user(user).access_token), real_estate.pk)
"""


def upload(port: int, token: str, real_estate_id: str, data: bytes) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    try:
        # A file refused before its body is read (413 on Content-Length) breaks the pipe; the
        # answer is there all the same.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request("POST", f"/api/v1/real-estates/{real_estate_id}/photos", body, headers)
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    code = json.loads(payload).get("error", {}).get("code", "?") if response.status >= 400 else "-"
    return response.status, code


def start_server(env: dict[str, str], port: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    with log.open("ab") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "config.server",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2) as reply:
                workers = children(server.pid)
                if reply.status == 200 and workers:
                    return server, workers[0]
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def measure(
    *, env: dict[str, str], token: str, real_estate_id: str, name: str, data: bytes, log: Path
) -> Result:
    port = free_port()
    server, worker = start_server(env, port, log)
    try:
        for color in ("#123", "#456"):  # warm-up: imports, codecs, the first request's caches
            upload(port, token, real_estate_id, samples.image_bytes("PNG", size=(64, 48), color=color))
            upload(port, token, real_estate_id, samples.image_bytes("JPEG", size=(640, 480), color=color))
        before_kb = status_kb(worker, "VmRSS")
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # VmHWM := VmRSS
        ticks = cpu_ticks(worker)
        status, code = upload(port, token, real_estate_id, data)
        gained_kb = status_kb(worker, "VmHWM") - before_kb
        cpu_ms = (cpu_ticks(worker) - ticks) * 1000 // CLK_TCK
    finally:
        server.terminate()
        server.wait(timeout=30)
    return Result(name, len(data), status, code, round(gained_kb / 1024, 1), cpu_ms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vivenda-upload-memory-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
        "WEB_WORKER_MAX_RSS_MB": "0",
        "THROTTLE_PHOTO_UPLOAD_RATE": "100000/min",
        "THROTTLE_USER_RATE": "100000/min",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    token, real_estate_id = manage(env, "shell", "-c", SETUP).split()[-2:]
    results = []
    for name, make in FILES.items():
        result = measure(
            env=env,
            token=token,
            real_estate_id=real_estate_id,
            name=name,
            data=make(),
            log=work / "server.log",
        )
        results.append(result)
        verdict = "ok" if result.gained_mb <= TARGET_MB else "OVER"
        print(
            f"{name:42} {result.bytes / 1024:>9.0f} KB  {result.status} {result.code:24} "
            f"+{result.gained_mb:>6.1f} MB  {result.cpu_ms:>5} ms cpu  {verdict}",
            flush=True,
        )
    worst = max(r.gained_mb for r in results)
    print(f"worst: +{worst} MB (target <= {TARGET_MB} MB)")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0 if worst <= TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
