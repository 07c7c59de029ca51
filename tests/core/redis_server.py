"""A real redis-server on a free loopback port that a test can stop and start again."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """A port free when `free_port` picks it may be bound by another program (another test run
    picks free ports too) before redis-server binds it: the server then exits, and whatever holds
    the port, another Redis say, would answer in its place. So the server is up only once the
    Redis answering on its port is this very process; the first start moves to another port if
    its own was taken, a restart (the same URL) fails."""

    def __init__(self, directory: Path, *, extra_args: tuple[str, ...] = ()) -> None:
        self.directory = directory
        self.extra_args = extra_args
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "redis-server"
        for _ in range(1 if self.started else 5):
            args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            args += ["--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")]
            args += self.extra_args
            self.process = subprocess.Popen([binary, *args])  # noqa: S603 - the redis-server binary, fixed arguments
            if self._answers(self.process):
                self.started = True
                return
            if not self.started:  # ours exited: another program took the port
                self.port = free_port()
        raise RuntimeError(f"redis-server could not listen on its port (last {self.port})")

    def _answers(self, process: subprocess.Popen[bytes]) -> bool:
        """True once `process` answers on the port, False if it exits first."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            try:
                with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.2) as client:
                    if client.info("server")["process_id"] == process.pid:
                        return True
            except redis.RedisError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
