"""Strict checking of live responses against the committed OpenAPI schema.

Every response must have a documented status and content type, carry the headers its
response requires and no application header it does not declare, and its JSON body must
validate against the declared schema with OpenAPI 3.0 semantics (`nullable`, `readOnly`…) and
every format checked.
"""

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import yaml
from openapi_schema_validator import OAS30Validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
# Formats that only describe a number's width: the type check covers them.
NUMERIC_FORMATS = frozenset({"double", "float", "int32", "int64"})
# Formats of request bodies only.
REQUEST_FORMATS = frozenset({"binary"})
# The response headers the application sets itself (not HTTP's framing, caching or security
# headers): any of them on a response must be declared on it, and one declared `required` served.
APPLICATION_HEADERS = frozenset(
    {
        "X-Request-ID",
        "Idempotent-Replayed",
        "ETag",
        "Location",
        "Retry-After",
        "WWW-Authenticate",
        "Accept-Encoding",
    }
)


def format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()

    @checker.checks("decimal", raises=(InvalidOperation, ValueError))
    def is_decimal(value: object) -> bool:
        return not isinstance(value, str) or Decimal(value).is_finite()

    return checker


class ContractValidator:
    def __init__(self, schema_path: Path = SCHEMA_PATH) -> None:
        self.spec: dict[str, Any] = yaml.safe_load(schema_path.read_text())
        self.checker = format_checker()
        self.checked: list[tuple[str, str, int]] = []
        # Literal paths before templated ones (`/real-estates/stats` before `/real-estates/{id}`).
        self.routes = sorted(
            (
                (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), path)
                for path in self.spec["paths"]
            ),
            key=lambda route: route[1].count("{"),
        )

    def formats_used(self) -> set[str]:
        return set(re.findall(r"'format': '([^']+)'", str(self.spec)))

    def unchecked_formats(self) -> set[str]:
        return self.formats_used() - set(self.checker.checkers) - NUMERIC_FORMATS - REQUEST_FORMATS

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        for pattern, template in self.routes:
            if pattern.match(path):
                operations = self.spec["paths"][template]
                assert method.lower() in operations, f"{method} {template} is not documented"
                return template, operations[method.lower()]
        raise AssertionError(f"{method} {path}: no documented path")

    def check(self, response: httpx.Response) -> None:
        """An httpx response event hook: raises AssertionError on any departure from the schema."""
        response.read()
        method, path = response.request.method, response.request.url.path
        template, operation = self.operation(method, path)
        status = str(response.status_code)
        documented = operation["responses"]
        assert status in documented, f"{method} {template}: {status} undocumented ({sorted(documented)})"
        declared = documented[status]
        headers = {name: self.resolve(header) for name, header in declared.get("headers", {}).items()}
        for name, header in headers.items():
            if header.get("required"):
                assert name in response.headers, f"{method} {template} {status}: no {name} header"
            if name in response.headers:
                self.validate(header_value(response.headers[name], header["schema"]), header["schema"])
        served = {name for name in APPLICATION_HEADERS if name in response.headers}
        undeclared = served - set(headers)
        assert not undeclared, f"{method} {template} {status}: {sorted(undeclared)} served, undeclared"
        content = declared.get("content")
        if not content:
            assert not response.content, f"{method} {template} {status}: a body where none is declared"
        else:
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            assert media_type in content, f"{method} {template} {status}: {media_type} undocumented"
            if media_type == "application/json":
                self.validate(json.loads(response.content), content[media_type]["schema"])
        self.checked.append((method, template, response.status_code))

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """`node`, or what its `$ref` (`#/components/...`) points at."""
        if "$ref" not in node:
            return node
        target: Any = self.spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return self.resolve(target)

    def validate(self, instance: Any, schema: dict[str, Any]) -> None:
        root = {"allOf": [schema], "components": self.spec["components"]}
        validator = OAS30Validator(root, format_checker=self.checker)
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)

    def allows(self, component: str, field: str, value: Any) -> bool:
        """Whether the schema of `component`'s `field` takes `value`."""
        schema: dict[str, Any] = self.spec["components"]["schemas"][component]
        try:
            self.validate(value, schema["properties"][field])
        except AssertionError:
            return False
        return True


def json_number(text: str) -> Any:
    """The JSON number `text` spells once its leading zeros are dropped (`007` is 7): how a query
    value is read against a `type: number` or `type: integer` parameter (docs/adr/0125)."""
    sign, rest = ("-", text[1:]) if text.startswith("-") else ("", text)
    digits = rest.lstrip("0")
    if not digits or digits[0] in ".eE":
        digits = "0" + digits
    return json.loads(sign + digits)


def header_value(text: str, schema: dict[str, Any]) -> Any:
    """A header's text as the value its schema describes (OpenAPI's `simple` style): an integer
    header is its digits read as a number, anything else the text itself."""
    if schema.get("type") == "integer" and text.isascii() and text.isdigit():
        return int(text)
    return text
