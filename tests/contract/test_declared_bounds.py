"""Every bound the committed schema declares is the server's, in both directions.

For each JSON request body field and each query parameter of docs/api/openapi.yaml, this module
derives from the declared schema the values just inside and just outside each bound (`minimum`,
`maximum`, `minLength`, `maxLength`, a `pattern`'s edges, an `enum`'s members and a non-member),
sends each in an otherwise valid request, and checks that the server refuses it (a 400 naming
the field) exactly when the schema does. The only exceptions are the business rules a schema
cannot state, each named in `RULES` with its reason (docs/adr/0124): a value the schema allows
that such a rule refuses is expected to be refused with that rule's code, nothing else.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator

from tests.contract import test_boundary_values as sweep
from tests.contract.openapi_validator import json_number
from tests.contract.test_boundary_values import (  # the sweep's operations, bodies and objects
    BODIES,
    COMPANIONS,
    ROLES,
    SPEC,
    Operation,
    World,
    body_fields,
    operations,
    options,
    resolve,
)

world = sweep.world  # its module-scoped fixture: the users, real estates and photo it made

# A query value as a number: JSON's grammar, leading zeros allowed (docs/adr/0125).
QUERY_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
# The business rules a schema cannot state (docs/adr/0124): a field's codes that may refuse a
# value its declared schema allows. Any other refusal of such a value is a declaration to fix.
RULES: dict[str, frozenset[str]] = {
    "bbox": frozenset({"bbox_reversed"}),  # across two of its numbers
    "cpf": frozenset({"cpf_invalid"}),  # check digits, one repeated digit
    "cursor": frozenset({"sync_cursor_invalid"}),  # an opaque, signed token
    "name": frozenset({"name_length"}),  # four characters a reader sees (ADR 0094)
    "title": frozenset({"blank"}),  # invisible characters alone (ADR 0094)
    "street": frozenset({"blank"}),
    "city": frozenset({"blank"}),
    "reason": frozenset({"rejection_reason_required"}),
    # Django's validators of a new password but its length: a list, the user's own attributes.
    **dict.fromkeys(
        ("password", "new_password"),
        frozenset({"password_too_common", "password_entirely_numeric", "password_too_similar"}),
    ),
}
# Edges of the decimal strings (`format: decimal`): zero and its spellings, the smallest steps,
# a sign, the empty and bare-point strings, the longest integer parts.
DECIMALS = ["0", "-0", "0.00", "-0.00", ".0", "0.01", ".01", "-0.01", "-1", "1", "", ".", "-", "1.", "1.234"]
DECIMALS += ["9" * n + ".99" for n in (3, 10, 12)] + ["9" * n for n in (11, 13)] + ["0" * 12 + "1"]
# Edges of the other patterns: CEPs, UFs, coordinates, a city, an audit filter's text.
TEXTS = ["01310-100", "01310100", " 01310-100 ", "0131-0100", "sp", " Sp ", "XX", " ", "a", "90,180", "91,0"]
TEXTS += ["-90,-180", "0,0,0,0", "0,0,181,0", "1,1,0,0", "90.000000000000001,0", "0,-180.000000000000001"]
# A number as query text: JSON's grammar, and what Python's and Django's number parsing also read.
NUMBERS = ["1e2", "1E-5", "+1", "1.", ".5", "-0", "0.0", "0.10", "\u0663", "0x1", "1_0", "5.0", "007"]


# The standard formats (`email`: an `@`); `decimal` is ours, which no generic tool reads.
FORMATS = FormatChecker()


@dataclass(frozen=True)
class Probe:
    operation: Operation
    where: str  # "body" or "query"
    field: tuple[str, ...]
    value: Any


def _bounds(schema: dict[str, Any]) -> Iterator[Any]:
    step = 1 if schema.get("type") == "integer" else 0.001
    if "minimum" in schema:
        yield from (schema["minimum"], schema["minimum"] - step, schema["minimum"] + step)
    if "maximum" in schema:
        yield from (schema["maximum"], schema["maximum"] + step)


def _lengths(schema: dict[str, Any]) -> Iterator[str]:
    for key, deltas in (("minLength", (0, -1)), ("maxLength", (0, 1))):
        if key in schema:
            yield from ("a" * (schema[key] + delta) for delta in deltas if schema[key] + delta >= 0)


def values(schema: dict[str, Any]) -> list[Any]:
    """The values on each side of each bound of a field's declared schema."""
    found: list[Any] = []
    for option in options(resolve(schema)):
        found += [m for m in option.get("enum", []) if m is not None]
        if option.get("enum"):
            found.append("no-such-member")
        if option.get("type") in ("integer", "number"):
            found += list(_bounds(option))
        if option.get("type") == "string" and "enum" not in option:
            found += [*_lengths(option), " ", "\u200b"]
            if option.get("format") == "decimal":
                found += DECIMALS
            elif "pattern" in option:
                found += TEXTS
    unique: list[Any] = []
    for value in found:
        if not any(type(value) is type(seen) and value == seen for seen in unique):
            unique.append(value)
    return unique


def allows(schema: dict[str, Any], value: Any) -> bool:
    """Whether the declared schema takes `value`, as OpenAPI 3.0 reads it with the standard formats
    checked."""
    root = {"allOf": [schema], "components": SPEC["components"]}
    return OAS30Validator(root, format_checker=FORMATS).is_valid(value)


def query_allows(schema: dict[str, Any], text: str) -> bool:
    if schema.get("type") in ("integer", "number"):
        return bool(QUERY_NUMBER.fullmatch(text)) and allows(schema, json_number(text))
    if schema.get("type") == "array":
        return all(allows(schema["items"], item) for item in text.split(","))
    return allows(schema, text)


def probes() -> Iterator[Any]:
    for op in operations():
        if op.body_schema and op.operation_id in BODIES:
            for field, schema in body_fields(op.body_schema):
                for value in values(schema):
                    probe = Probe(op, "body", field, value)
                    yield pytest.param(probe, id=f"{op.operation_id}:{'.'.join(field)}={value!r}"[:200])
        for param in op.parameters:
            if param["in"] != "query":
                continue
            schema = param["schema"]
            texts = values(schema.get("items", schema)) if schema.get("type") == "array" else values(schema)
            if schema.get("type") in ("integer", "number"):
                texts += NUMBERS
            for value in texts:
                text = value if isinstance(value, str) else json.dumps(value)
                probe = Probe(op, "query", (param["name"],), text)
                yield pytest.param(probe, id=f"{op.operation_id}:?{param['name']}={text!r}"[:200])


def _field_schema(probe: Probe) -> dict[str, Any]:
    if probe.where == "query":
        return next(p["schema"] for p in probe.operation.parameters if p["name"] == probe.field[0])
    schema = probe.operation.body_schema or {}
    for name in probe.field:
        schema = resolve(resolve(schema)["properties"][name])
    return schema


def _send(world: World, probe: Probe) -> Any:
    op = probe.operation
    path = op.path
    for param in op.parameters:
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", world.path_values[(op.path, param["name"])])
    query = [
        f"{p['name']}={p['schema']['enum'][0]}"
        for p in op.parameters
        if p.get("required") and p["in"] == "query" and p["name"] != probe.field[0]
    ]
    body = None
    if probe.where == "query":
        name = probe.field[0]
        if name in COMPANIONS:
            query.append(COMPANIONS[name])
        query.append(f"{name}={quote(probe.value, safe='')}")
    if op.operation_id in BODIES:
        body = json.loads(json.dumps(BODIES[op.operation_id]))
        if probe.where == "body":
            target = body
            for parent in probe.field[:-1]:
                target = target.setdefault(parent, {})
            target[probe.field[-1]] = probe.value
    url = f"{path}?{'&'.join(query)}" if query else path
    client = world.clients[ROLES[op.operation_id]]
    if body is None:
        return getattr(client, op.method)(url)
    return getattr(client, op.method)(url, json.dumps(body), content_type="application/json")


def refusal(response: Any, probe: Probe) -> set[str] | None:
    """The codes of a 400 naming the probed field (nested ones under their parent), else None."""
    if response.status_code != 400:
        return None
    found: Any = response.json()["error"].get("fields") or {}
    for name in probe.field:
        if not isinstance(found, dict) or name not in found:
            return None
        found = found[name]
    return {item["code"] for item in found} if isinstance(found, list) else set()


@pytest.mark.django_db
@pytest.mark.parametrize("probe", list(probes()))
def test_the_server_refuses_a_value_exactly_when_the_schema_does(world: World, probe: Probe) -> None:
    response = _send(world, probe)
    schema = _field_schema(probe)
    allowed = query_allows(schema, probe.value) if probe.where == "query" else allows(schema, probe.value)
    codes = refusal(response, probe)

    assert response.status_code < 500, response.content[:300]
    if not allowed:
        assert codes is not None, (response.status_code, response.content[:300])
    elif codes is not None:  # only a rule the schema cannot state
        assert codes <= RULES.get(probe.field[-1], frozenset()), codes


def test_the_values_are_derived_from_each_declared_bound() -> None:
    page_size = {"type": "integer", "minimum": 1, "maximum": 100}
    assert {0, 1, 2, 100, 101} <= set(values(page_size))
    assert {"a" * 4, "a" * 3, "a" * 150, "a" * 151} <= set(
        values({"type": "string", "minLength": 4, "maxLength": 150})
    )
    assert {"house", "no-such-member"} <= set(values({"type": "string", "enum": ["house", "land"]}))
    assert query_allows({"type": "integer", "minimum": 1}, "007")
    assert not query_allows({"type": "number"}, "+1")
