"""config/server.py: the options granian gets from the command line and the environment."""

import pytest
from granian.constants import HTTPModes, Interfaces, RuntimeModes
from granian.log import LogLevels

from config import server


def test_defaults_serve_the_wsgi_app_with_two_workers_of_two_threads() -> None:
    opts = server.options({}, bind="127.0.0.1:8000")
    assert opts["target"] == "config.wsgi:application"
    assert (opts["address"], opts["port"]) == ("127.0.0.1", 8000)
    assert (opts["workers"], opts["blocking_threads"]) == (2, 2)
    assert opts["workers_max_rss"] == 512
    assert opts["respawn_failed_workers"] is True
    assert opts["log_access"] is False


def test_the_environment_sets_workers_threads_memory_limit_and_log_level() -> None:
    environ = {
        "WEB_CONCURRENCY": "3",
        "WEB_THREADS": "4",
        "WEB_WORKER_MAX_RSS_MB": "300",
        "WEB_GRACEFUL_TIMEOUT": "7",
        "WEB_BACKLOG": "256",
        "LOG_LEVEL": "WARNING",
    }
    opts = server.options(environ, bind="10.0.0.5:9000")
    assert (opts["address"], opts["port"]) == ("10.0.0.5", 9000)
    assert (opts["workers"], opts["blocking_threads"], opts["workers_max_rss"]) == (3, 4, 300)
    assert (opts["workers_kill_timeout"], opts["backlog"], opts["log_level"]) == (7, 256, "warning")


def test_command_line_counts_win_over_the_environment_and_zero_rss_means_no_limit() -> None:
    environ = {"WEB_CONCURRENCY": "3", "WEB_THREADS": "4", "WEB_WORKER_MAX_RSS_MB": "0"}
    opts = server.options(environ, bind="[::1]:8001", workers=1, threads=1)
    assert (opts["address"], opts["port"]) == ("::1", 8001)
    assert (opts["workers"], opts["blocking_threads"]) == (1, 1)
    assert opts["workers_max_rss"] is None


def test_every_option_is_one_granian_accepts() -> None:
    """The enum-valued options name real granian values (granian renamed some in the past)."""
    opts = server.options({"LOG_LEVEL": "debug"}, bind="127.0.0.1:8000")
    assert Interfaces(opts["interface"]) is Interfaces.WSGI
    assert RuntimeModes(opts["runtime_mode"]) is RuntimeModes.st
    assert HTTPModes(opts["http"]) is HTTPModes.http1
    assert LogLevels(opts["log_level"]) is LogLevels.debug


def test_a_bare_port_binds_loopback() -> None:
    opts = server.options({}, bind="8000")
    assert (opts["address"], opts["port"]) == ("127.0.0.1", 8000)


@pytest.mark.parametrize("bind", ["localhost:http", "localhost", "127.0.0.1:99999", "127.0.0.1:0", "[::1]:"])
def test_an_address_with_no_port_in_bounds_is_refused_by_name(bind: str) -> None:
    # A port name was int()'s traceback, 99999 granian's OverflowError.
    with pytest.raises(SystemExit, match="--bind must be HOST:PORT"):
        server.options({}, bind=bind)


@pytest.mark.parametrize("argv", [["--workers", "-1"], ["--threads", "0"], ["--workers", "two"]])
def test_a_command_line_count_below_one_is_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # `--threads 0` was taken for "unset" and served with the default; `--workers -1` was handed on.
    with pytest.raises(SystemExit) as exit_:
        server.main(argv)
    assert exit_.value.code == 2
    assert "must be a whole number of at least 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {"DATABASE_STATEMENT_TIMEOUT_MS": "30000"}),
        ({"WEB_STATEMENT_TIMEOUT_MS": "5000"}, {"DATABASE_STATEMENT_TIMEOUT_MS": "5000"}),
        ({"WEB_STATEMENT_TIMEOUT_MS": "0"}, {"DATABASE_STATEMENT_TIMEOUT_MS": "0"}),  # never
        ({"DATABASE_STATEMENT_TIMEOUT_MS": "100", "WEB_STATEMENT_TIMEOUT_MS": "5000"}, {}),  # set already
    ],
)
def test_workers_get_a_statement_timeout_unless_one_is_set(
    environ: dict[str, str], expected: dict[str, str]
) -> None:
    assert server.worker_environment(environ) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEB_CONCURRENCY", "0"),
        ("WEB_THREADS", "two"),
        ("WEB_WORKER_MAX_RSS_MB", "-1"),
        ("WEB_BACKLOG", "1.5"),
    ],
)
def test_a_count_that_is_no_whole_number_in_bounds_is_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(SystemExit, match=f"{name} must be a whole number"):
        server.options({name: value}, bind="127.0.0.1:8000")


@pytest.mark.parametrize("value", ["2147483648", "-1", "30s"])
def test_a_statement_timeout_outside_postgresqls_bounds_is_refused_by_its_own_name(value: str) -> None:
    # Past 2**31 - 1 it was handed on, and the workers' settings stopped naming
    # DATABASE_STATEMENT_TIMEOUT_MS, which the operator never set.
    with pytest.raises(
        SystemExit, match="WEB_STATEMENT_TIMEOUT_MS must be a whole number from 0 to 2147483647"
    ):
        server.worker_environment({"WEB_STATEMENT_TIMEOUT_MS": value})
