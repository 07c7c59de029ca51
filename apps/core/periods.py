"""An operator's retention or grace period, given by hand as a number (a task's argument, a
command's option): checked before anything is deleted.

A negative period puts the cutoff in the future (everything is "old", even what was written a
second ago); NaN and infinities are no number of days at all, and a huge one is a cutoff no
datetime can hold. Each is refused with a ValueError naming the argument.
"""

import math
from datetime import timedelta
from typing import Literal

# A century: enough to keep everything, and a cutoff Python can still compute.
MAX_DAYS = 100 * 365
MAX_HOURS = MAX_DAYS * 24


def period(value: object, *, unit: Literal["days", "hours"], name: str) -> timedelta:
    """`value` (an int or a float) `unit`s as a timedelta, from 0 to a century."""
    limit = MAX_DAYS if unit == "days" else MAX_HOURS
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= limit
    ):
        raise ValueError(f"{name} must be a number of {unit} from 0 to {limit}, not {value!r}.")
    return timedelta(**{unit: value})
