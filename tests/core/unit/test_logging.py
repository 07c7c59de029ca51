import json
import logging

import structlog

from apps.core.logging import _redact, formatter_factory, mask_cpf
from apps.core.throttling import parse_rate


def test_cpfs_are_masked_plain_or_formatted() -> None:
    assert mask_cpf("user 52998224725 signed in") == "user ***.***.247-** signed in"
    assert mask_cpf("529.982.247-25") == "***.***.247-**"


def test_secrets_are_redacted_and_cpfs_masked_in_structured_events() -> None:
    event = _redact(
        None, "info", {"event": "sign_in", "password": "hunter2", "refresh": "eyJ", "cpf": "52998224725"}
    )
    assert event == {
        "event": "sign_in",
        "password": "[redacted]",
        "refresh": "[redacted]",
        "cpf": "***.***.247-**",
    }


def test_stdlib_records_are_rendered_as_json_with_the_request_id() -> None:
    formatter = formatter_factory(json=True)
    structlog.contextvars.bind_contextvars(request_id="req-1234567890")
    try:
        record = logging.LogRecord("django", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
        line = json.loads(formatter.format(record))
    finally:
        structlog.contextvars.clear_contextvars()
    assert line["event"] == "hello world"
    assert line["request_id"] == "req-1234567890"
    assert line["level"] == "warning"


def test_throttle_rates_may_span_several_units() -> None:
    assert parse_rate("10/5min") == (10, 300)
    assert parse_rate("120/min") == (120, 60)
    assert parse_rate("30/h") == (30, 3600)
    assert parse_rate(None) == (None, None)
