"""What the operators' commands share about their output."""

import io
import os
import sys


def silence_stdout() -> None:
    """After the reader of stdout went away (`manage.py gc_media | head`): point stdout at the
    null device, so the interpreter's final flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (tests, IDEs)
        pass
