"""Figures as staff read them, in the active language: money, short dates, durations."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def money(value: Decimal | float | None) -> str:
    """`R$ 23.550,00` in pt-BR, `R$ 23,550.00` in English."""
    if value is None:
        return "—"
    return "R$ " + formats.number_format(Decimal(value).quantize(Decimal("0.01")), 2, force_grouping=True)


def short_date(value: datetime | None) -> str:
    """`01/12/2026` in pt-BR, `12/01/2026` in English, in the site's time zone."""
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", round(hours)) % {
            "n": formats.number_format(round(hours))
        }
    return _("%(n)s days") % {"n": formats.number_format(round(hours / 24, 1), 1)}
