"""SIGTERM for the operators' commands: unwound as Ctrl-C is, then the process ends by it."""

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

TERMINATED = "Terminated (SIGTERM): what the command had not committed is rolled back."


class Terminated(BaseException):
    """SIGTERM arrived: like KeyboardInterrupt, no `except Exception` takes it for an error."""


@contextmanager
def unwound_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM (`kill`, `timeout`, a container stopping) raises `Terminated`
    where the process stands, so every `finally` and `except BaseException` on the way out runs
    (a temporary file is removed, a transaction rolled back); then it says so on stderr
    (`TERMINATED`) and the process ends by SIGTERM itself, as its default would have ended it at
    once, leaving what it was writing behind. As Python ends after an uncaught Ctrl-C. Outside the
    main thread (no handler can be set there) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except Terminated:
        sys.stderr.write(f"{TERMINATED}\n")  # as Ctrl-C's CommandError says it (OperatorCommand)
        sys.stderr.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        raise  # not reached: the signal ends the process
    finally:
        signal.signal(signal.SIGTERM, previous)
