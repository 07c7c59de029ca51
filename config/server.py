"""The HTTP server: granian serving `config.wsgi`, shared by `make run`, the benchmark, the
scale harness and the Docker image (ADR 0043).

    python -m config.server --bind 127.0.0.1:8000 [--workers N] [--threads N]

Everything else comes from the environment (README, "Configuration"). A worker is a process
with granian's Rust HTTP runtime and `WEB_THREADS` Python threads running Django; HTTP parsing,
keep-alive and writing responses happen in Rust, outside the GIL.
"""

import argparse
import copy
import os
import socket
import tempfile
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any

# What a count may be: a worker count, a thread count or a backlog of 0 is no server; a memory limit
# or a timeout of 0 means none.
_MINIMUM = {"WEB_CONCURRENCY": 1, "WEB_THREADS": 1, "WEB_BACKLOG": 1}
# PostgreSQL's own limit (a 32-bit integer), named here: past it the workers' settings would stop
# on DATABASE_STATEMENT_TIMEOUT_MS, a variable the operator never set.
_MAXIMUM = {"WEB_STATEMENT_TIMEOUT_MS": 2**31 - 1}


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    """A whole number from the environment, or the server refuses to start naming the variable."""
    raw = (environ.get(name) or str(default)).strip()
    minimum = _MINIMUM.get(name, 0)
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    maximum = _MAXIMUM.get(name)
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"of at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise SystemExit(f"{name} must be a whole number {bounds}, not {raw!r}.")
    return value


def _address(bind: str) -> tuple[str, int]:
    """`HOST:PORT` (or a bare port, on loopback) as granian takes it, or the server refuses to
    start naming `--bind` (a port name or one past 65535 was int()'s or granian's traceback)."""
    host, _, port = bind.rpartition(":")
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise SystemExit(f"--bind must be HOST:PORT with a port from 1 to 65535, not {bind!r}.")
    return host.strip("[]") or "127.0.0.1", int(port)


def _count(value: str) -> int:
    """A `--workers` or `--threads` count: a whole number of at least 1 (0 was taken for unset)."""
    if not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


def options(
    environ: Mapping[str, str], *, bind: str, workers: int | None = None, threads: int | None = None
) -> dict[str, Any]:
    """granian's keyword arguments for these settings (no import of granian: testable anywhere)."""
    host, port = _address(bind)
    max_rss = _int(environ, "WEB_WORKER_MAX_RSS_MB", 512)
    return {
        "target": "config.wsgi:application",
        "address": host,
        "port": port,
        "interface": "wsgi",
        "workers": workers or _int(environ, "WEB_CONCURRENCY", 2),
        "blocking_threads": threads or _int(environ, "WEB_THREADS", 2),
        # Few processes, each with one Python thread pool: one single-threaded runtime each.
        "runtime_mode": "st",
        "http": "1",  # TLS and HTTP/2 end at the reverse proxy
        "websockets": False,
        "backlog": _int(environ, "WEB_BACKLOG", 1024),
        "respawn_failed_workers": True,
        # A worker past this resident size is replaced gracefully (0: never).
        "workers_max_rss": max_rss or None,
        "workers_kill_timeout": _int(environ, "WEB_GRACEFUL_TIMEOUT", 20),
        "log_level": environ.get("LOG_LEVEL", "INFO").lower(),
        "log_access": False,  # the app writes one structured access line per request
    }


def worker_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What the workers' environment gets besides the server's own: PostgreSQL cancels a web
    request's statement after `WEB_STATEMENT_TIMEOUT_MS` (30 s; 0: never), unless
    `DATABASE_STATEMENT_TIMEOUT_MS` is set already. granian has no per-request timeout
    (ADR 0043), so this bounds the longest a query can hold a worker's thread."""
    if "DATABASE_STATEMENT_TIMEOUT_MS" in environ:
        return {}
    return {"DATABASE_STATEMENT_TIMEOUT_MS": str(_int(environ, "WEB_STATEMENT_TIMEOUT_MS", 30_000))}


@contextmanager
def metrics_directory(environ: MutableMapping[str, str]) -> Iterator[None]:
    """A scrape of `/metrics` adds up every worker's numbers only when `PROMETHEUS_MULTIPROC_DIR`
    names a directory they all write (prometheus_client's multiprocess mode). The image sets it and
    empties it at start (docker/entrypoint.sh). Left unset (`make run`, the benchmark), the server
    makes a fresh one for its lifetime: each scrape was the numbers of whichever worker answered it
    (a counter went down and up between scrapes), and a worker replaced for its memory lost its
    counts."""
    if "PROMETHEUS_MULTIPROC_DIR" in environ:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="vivenda-metrics-") as directory:
        environ["PROMETHEUS_MULTIPROC_DIR"] = directory  # the workers inherit it
        try:
            yield
        finally:
            del environ["PROMETHEUS_MULTIPROC_DIR"]


def log_config() -> dict[str, Any]:
    """The settings' `LOGGING`, with granian's own logger (its start, its workers, an exception
    that escaped the app) on the same structured handler: its default config printed plain
    `[INFO] ...` lines and raw tracebacks amid the JSON ones, unscrubbed (apps/core/logging.py).
    The settings load here, in the server's process: a setting that refuses to load stops the
    server at once, not each worker it would respawn."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")  # as config.wsgi
    from django.conf import settings

    config = copy.deepcopy(settings.LOGGING)
    config["loggers"]["_granian"] = {"handlers": ["console"], "propagate": False}
    return config


def _refuse_an_address_in_use(host: str, port: int) -> None:
    """Stops the server with one line when another program already listens on `host:port`:
    granian's own refusal was ~40 lines of Python traceback and Rust backtrace. Bound as granian
    binds (`SO_REUSEADDR`), then let go; a program taking the port in between still meets
    granian's refusal."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            shown = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
            raise SystemExit(
                f"Cannot listen on {shown}: {exc.strerror}. Choose another PORT (or --bind)."
            ) from None


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m config.server", description="Serve Vivenda with granian."
    )
    parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (default 127.0.0.1:8000)")
    parser.add_argument("--workers", type=_count, help="worker processes (default WEB_CONCURRENCY or 2)")
    parser.add_argument("--threads", type=_count, help="Python threads per worker (default WEB_THREADS or 2)")
    args = parser.parse_args(argv)

    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, RuntimeModes
    from granian.log import LogLevels

    os.environ.update(worker_environment(os.environ))  # the workers inherit it
    kwargs = options(os.environ, bind=args.bind, workers=args.workers, threads=args.threads)
    _refuse_an_address_in_use(kwargs["address"], kwargs["port"])
    # The workers size their bound on concurrent password hashes from it (PASSWORD_HASH_CONCURRENCY).
    os.environ["WEB_CONCURRENCY"] = str(kwargs["workers"])
    with metrics_directory(os.environ):
        # After every variable the settings read is set: they load here, and the forked workers keep them.
        kwargs["log_dictconfig"] = log_config()
        kwargs.update(
            interface=Interfaces(kwargs["interface"]),
            runtime_mode=RuntimeModes(kwargs["runtime_mode"]),
            http=HTTPModes(kwargs["http"]),
            log_level=LogLevels(kwargs["log_level"]),
        )
        Granian(**kwargs).serve()


if __name__ == "__main__":
    main()
