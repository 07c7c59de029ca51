import json
import logging
import sys
import time

import pytest
import structlog

from apps.core.logging import _redact, formatter_factory, keyed_hash, mask_cpf, redact_media_links
from apps.core.throttling import parse_rate

CPF, FORMATTED = "52998224725", "529.982.247-25"


def _record(message: str, *args: object, exc_info: bool = False) -> logging.LogRecord:
    return logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, message, args, sys.exc_info() if exc_info else None
    )


def test_cpfs_are_masked_plain_or_formatted() -> None:
    assert mask_cpf("user 52998224725 signed in") == "user ***.***.247-** signed in"
    assert mask_cpf("529.982.247-25") == "***.***.247-**"
    assert mask_cpf("cpf=52998224725,") == "cpf=***.***.247-**,"


def test_digits_inside_longer_numbers_and_hex_ids_are_left_alone() -> None:
    request_id = "3f5a52998224725b9c0d1e2f3a4b5c6d"
    assert mask_cpf(request_id) == request_id
    assert mask_cpf("529982247250") == "529982247250"  # twelve digits: not a CPF


def test_secrets_are_redacted_in_structured_events() -> None:
    event = _redact(None, "info", {"event": "sign_in", "password": "hunter2", "refresh": "eyJ", "n": 1})
    assert event == {"event": "sign_in", "password": "[redacted]", "refresh": "[redacted]", "n": 1}


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


def test_a_cpf_is_masked_in_the_message_and_in_an_exception_in_both_formats() -> None:
    try:
        raise ValueError(f'duplicate key value violates unique constraint: Key (cpf)=({CPF}) / "{FORMATTED}"')
    except ValueError:
        record = _record("Internal Server Error for %s", FORMATTED, exc_info=True)
    for json_lines in (True, False):
        rendered = formatter_factory(json=json_lines).format(record)
        assert "ValueError" in rendered  # the traceback is still there...
        assert "***.***.247-**" in rendered
        assert CPF not in rendered  # ...without the CPF, in any spelling
        assert FORMATTED not in rendered
    line = json.loads(formatter_factory(json=True).format(record))
    assert line["event"] == "Internal Server Error for ***.***.247-**"


def test_a_cpf_is_masked_in_any_value_of_a_structured_event() -> None:
    formatter = formatter_factory(json=True)
    logger = structlog.get_logger("tests")
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    rendered: list[str] = []
    handler.emit = lambda record: rendered.append(formatter.format(record))  # type: ignore[method-assign]
    stdlib = logging.getLogger("tests")
    stdlib.addHandler(handler)
    stdlib.setLevel(logging.INFO)
    try:
        logger.info(f"looked up {CPF}", query={"search": FORMATTED}, terms=[CPF], number=int(CPF))
    finally:
        stdlib.removeHandler(handler)
    line = json.loads(rendered[-1])
    assert line["event"] == "looked up ***.***.247-**"
    assert line["query"] == {"search": "***.***.247-**"}
    assert line["terms"] == ["***.***.247-**"]
    assert line["number"] == "***.***.247-**"


def test_keyed_hash_is_stable_per_input_and_reveals_nothing_of_it(settings: object) -> None:
    assert keyed_hash(CPF) == keyed_hash(CPF)
    assert keyed_hash(CPF) != keyed_hash("11144477735")
    assert CPF not in keyed_hash(CPF)
    assert len(keyed_hash(CPF)) == 24


def test_keyed_hash_depends_on_the_servers_key(settings: object) -> None:
    before = keyed_hash(CPF)
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789"  # type: ignore[attr-defined]
    assert keyed_hash(CPF) != before


def test_throttle_rates_may_span_several_units() -> None:
    assert parse_rate("10/5min") == (10, 300)
    assert parse_rate("120/min") == (120, 60)
    assert parse_rate("30/h") == (30, 3600)
    assert parse_rate(None) == (None, None)


def test_a_celery_worker_keeps_the_scrubbing_formatter_instead_of_installing_its_own() -> None:
    from config.celery import app

    app.log.setup_logging_subsystem(loglevel="INFO")
    formatters = [handler.formatter for handler in logging.getLogger().handlers]
    assert any(isinstance(formatter, structlog.stdlib.ProcessorFormatter) for formatter in formatters)


TOKEN = "ImJsb2JzL3NoYTI1Ni9hYi9jZC9hYmNkLmpwZyI:1v2xYz:Q2k9dGhlLXNpZ25hdHVyZQ"


def test_a_media_links_token_is_redacted_in_a_message_and_an_exception_in_both_formats() -> None:
    try:
        raise ValueError(f"failed while serving /media/{TOKEN}")
    except ValueError:
        record = _record("Internal Server Error: %s", f"/media/{TOKEN}", exc_info=True)
    for json_lines in (True, False):
        rendered = formatter_factory(json=json_lines).format(record)
        assert "ValueError" in rendered
        assert TOKEN not in rendered
    line = json.loads(formatter_factory(json=True).format(record))
    assert line["event"] == "Internal Server Error: /media/<redacted>"
    assert line["exception"].endswith("ValueError: failed while serving /media/<redacted>")


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        (f"/media/{TOKEN}", "/media/<redacted>"),
        (f"/media/{TOKEN}?download=1", "/media/<redacted>?download=1"),
        (f'GET "/media/{TOKEN}" 404', 'GET "/media/<redacted>" 404'),
        (f"https://vivenda.example/media/{TOKEN}", "https://vivenda.example/media/<redacted>"),
        ("/media/", "/media/"),  # no token: nothing to hide
        # A sloppy client's doubled slashes: a 404, but the token in it opens its file all the same.
        (f"//media/{TOKEN}", "//media/<redacted>"),
        (f"/media//{TOKEN}", "/media//<redacted>"),
        (f"https://vivenda.example//media/{TOKEN}", "https://vivenda.example//media/<redacted>"),
        # In another case: a 404 too, and the token opens its file at `/media/`.
        (f"/MEDIA/{TOKEN}", "/MEDIA/<redacted>"),
        (f"https://vivenda.example/Media/{TOKEN}", "https://vivenda.example/Media/<redacted>"),
        # A file under MEDIA_ROOT is not a link: its path stays as it is.
        ("/srv/var/media/blobs/sha256/ab/cd/abcd.jpg", "/srv/var/media/blobs/sha256/ab/cd/abcd.jpg"),
    ],
)
def test_only_the_token_of_a_media_link_is_redacted(logged: str, expected: str) -> None:
    assert redact_media_links(logged) == expected


def test_redacting_a_very_long_path_takes_linear_time() -> None:
    # Every log line goes through the redaction, the access line with the path as the client
    # sent it (granian takes a request line of up to ~64 kB): a long run of letters after `/media/`
    # was scanned again from each of its letters for a `scheme://`: 7 s of CPU per scrub at 64 kB.
    path = f"/media/{TOKEN}/" + "a" * 200_000
    started = time.perf_counter()
    redacted = redact_media_links(path)
    assert time.perf_counter() - started < 1  # linear: milliseconds; quadratic: about 70 s
    assert redacted == "/media/<redacted>/" + "a" * 200_000
