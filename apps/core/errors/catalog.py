"""Reads catalog.toml and renders the generated module and docs/errors.md from it."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CATALOG_PATH = Path(__file__).with_name("catalog.toml")
GENERATED_MODULE_PATH = Path(__file__).with_name("generated.py")
LANGUAGES = ("en", "pt-BR")


@dataclass(frozen=True)
class Entry:
    code: str
    app: str
    status: int | None
    messages: dict[str, str]
    # Named messages an error may answer instead of its default, `{placeholders}` filled by the
    # raiser: `[errors.CODE.variants.NAME]` → `ErrorClass.NAME_message`.
    variants: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.code.split("_"))


def load_catalog(path: Path = CATALOG_PATH) -> tuple[list[Entry], list[Entry]]:
    """Return (errors, field_errors), validated: every entry has every language."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    errors = [_entry(code, raw, needs_status=True) for code, raw in data.get("errors", {}).items()]
    fields = [_entry(code, raw, needs_status=False) for code, raw in data.get("field_errors", {}).items()]
    return errors, fields


def _entry(code: str, raw: dict[str, object], *, needs_status: bool) -> Entry:
    if not code.isupper() or not code.replace("_", "").isalnum():
        raise ValueError(f"{code}: codes are UPPER_SNAKE_CASE")
    _check_languages(code, raw)
    variants = raw.get("variants", {})
    if not isinstance(variants, dict) or (variants and not needs_status):
        raise ValueError(f"{code}: only an error has variants, each a table of messages")
    for name, messages in variants.items():
        if not name.isidentifier() or not name.islower() or not isinstance(messages, dict):
            raise ValueError(f"{code}: variant {name!r} is a lower_snake_case table of messages")
        _check_languages(f"{code}.variants.{name}", messages)
    status = raw.get("status")
    if needs_status and not (isinstance(status, int) and 400 <= status <= 599):
        raise ValueError(f"{code}: status must be an HTTP error status")
    return Entry(
        code=code,
        app=str(raw.get("app", "core")),
        status=status if isinstance(status, int) else None,
        messages={lang: str(raw[lang]) for lang in LANGUAGES},
        variants={
            name: {lang: str(messages[lang]) for lang in LANGUAGES} for name, messages in variants.items()
        },
    )


def _check_languages(code: str, raw: dict[str, object]) -> None:
    missing = [lang for lang in LANGUAGES if not isinstance(raw.get(lang), str) or not raw[lang]]
    if missing:
        raise ValueError(f"{code}: missing message for {', '.join(missing)}")


def render_module(errors: list[Entry], fields: list[Entry]) -> str:
    lines = [
        '"""Exception classes and field messages of the error catalog.',
        "",
        "Generated from catalog.toml by `python manage.py generate_errors`. Do not edit.",
        '"""',
        "",
        "from apps.core.errors.base import ApiError, FieldMessage, catalog_message",
        "",
        "__all__ = [",
        *[f'    "{name}",' for name in sorted([e.class_name for e in errors] + [f.code for f in fields])],
        "]",
    ]
    for entry in errors:
        lines += [
            "",
            "",
            f"class {entry.class_name}(ApiError):",
            f"    code = {entry.code!r}",
            f"    status_code = {entry.status}",
            "    default_message = catalog_message(",
            f"        en={entry.messages['en']!r},",
            f"        pt_br={entry.messages['pt-BR']!r},",
            "    )",
        ]
        for name, messages in entry.variants.items():
            lines += [
                f"    {name}_message = catalog_message(",
                f"        en={messages['en']!r},",
                f"        pt_br={messages['pt-BR']!r},",
                "    )",
            ]
    lines.append("")
    for entry in fields:
        lines += [
            "",
            f"{entry.code} = FieldMessage(",
            f"    code={entry.code.lower()!r},",
            "    message=catalog_message(",
            f"        en={entry.messages['en']!r},",
            f"        pt_br={entry.messages['pt-BR']!r},",
            "    ),",
            ")",
        ]
    return "\n".join(lines) + "\n"


def render_markdown(errors: list[Entry], fields: list[Entry]) -> str:
    out = [
        "# Error catalog",
        "",
        "Generated from `apps/core/errors/catalog.toml` by `python manage.py generate_errors`; do not edit.",
        "",
        "Every error answers with one envelope, whatever its cause:",
        "",
        "```json",
        '{"error": {"code": "REAL_ESTATE_NOT_FOUND", "message": "Real estate not found.",'
        ' "request_id": "6f1c..."}}',
        "```",
        "",
        "`fields` is present only on `VALIDATION_ERROR`: it maps each invalid field (nested objects"
        ' nest) to a list of `{"code", "message"}`. Messages follow `Accept-Language` (`en` by'
        " default, `pt-BR`); codes never change.",
        "",
        "### Answers from the HTTP server",
        "",
        "A few refusals are made by the HTTP server before the application sees the request, so they"
        " carry an empty body: no envelope, no code, no `X-Request-ID`; they close the connection."
        " A client handles them by status (docs/adr/0111):",
        "",
        "| HTTP | when | what to do |",
        "|---|---|---|",
        "| 414 | the request target (path and query) is over 65,534 bytes (granian) | shorten the"
        " query: no documented parameter comes near (`q` is 200 characters at most) |",
        "| 431 | the request's headers are over ~400 KB (granian) | send smaller headers |",
        "| 400 | the request line or a header cannot be parsed (a `Content-Length` that is no number)"
        " | fix the client's HTTP |",
        "",
        "Behind nginx as deployed (`docker/nginx-refusals.conf`), a request line over 8 KB is a 414"
        " `URI_TOO_LONG` and a header over it a 431 `REQUEST_HEADERS_TOO_LARGE`, in the envelope"
        " with nginx's request id (a 414's message is in English: nginx reads none of its headers).",
        "",
        "## Error codes",
        "",
        "| code | HTTP | area | message (en) | mensagem (pt-BR) |",
        "|---|---|---|---|---|",
    ]
    for e in sorted(errors, key=lambda e: (e.app != "core", e.app, e.status or 0, e.code)):
        out.append(f"| `{e.code}` | {e.status} | {e.app} | {e.messages['en']} | {e.messages['pt-BR']} |")
        out += [
            f"| `{e.code}` ({name}) | {e.status} | {e.app} | {messages['en']} | {messages['pt-BR']} |"
            for name, messages in e.variants.items()
        ]
    out += [
        "",
        "## Field codes",
        "",
        "Besides Django's and DRF's own field codes (`required`, `invalid`, `max_length`, ...):",
        "",
        "| code | area | message (en) | mensagem (pt-BR) |",
        "|---|---|---|---|",
    ]
    out += [
        f"| `{f.code.lower()}` | {f.app} | {f.messages['en']} | {f.messages['pt-BR']} |"
        for f in sorted(fields, key=lambda f: (f.app, f.code))
    ]
    return "\n".join(out) + "\n"
