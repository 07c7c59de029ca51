"""A boundary-value sweep of every operation's parameters, derived from the committed schema.

Schemathesis (`make fuzz`) draws values from a parameter's schema but rarely its edges: a date
one day before the calendar ends, a datetime whose UTC instant falls before year 1, a number
past a float's range, a NUL or a lone surrogate in a query string. This module walks every
operation of docs/api/openapi.yaml and sends, for each of its path and query parameters, the
boundary values its declared schema implies (`query_values`), one value at a time, as the role
that may call the operation (`ROLES`), on real objects for the other path parameters (`world`);
plus each query parameter repeated, an unknown parameter, and odd values of each header
parameter (`header_values`: `If-Match`, `Idempotency-Key`). A JSON request body's fields
(and an object field's own fields) get the same per-type values (`body_values`), each merged into
a body that is otherwise valid (`BODIES`), so that the value reaches the service.

Each response must be below 500 and each 4xx must carry the error envelope with a catalog code;
a VALIDATION_ERROR must name the parameter or field swept (the rest of the request is valid).
A parameter `make schema` documents is swept from then on; an operation missing from `ROLES`
fails `test_every_operation_has_a_role`. The whole sweep shares one set of objects, made once in
a transaction rolled back after the module; each case runs in a savepoint of it.
"""

import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import factory.random
import pytest
import yaml
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import override_settings
from rest_framework.test import APIClient

from apps.core.errors.catalog import load_catalog
from apps.real_estates.models import Status
from apps.users.models import Role, User
from apps.users.tokens import issue_token_pair
from tests.conftest import FACTORY_SEED
from tests.contract.openapi_validator import SCHEMA_PATH
from tests.media.factories import PhotoFactory
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

SPEC: dict[str, Any] = yaml.safe_load(SCHEMA_PATH.read_text())
CATALOG_CODES = frozenset(entry.code for entry in load_catalog()[0])
METHODS = ("get", "post", "put", "patch", "delete")

# operationId → the role the sweep calls it as (one that may: tests/test_access_matrix.py);
# None is anonymous.
ROLES: dict[str, str | None] = {
    "audit_events_list": Role.ADMIN,
    "real_estates_list": Role.COLLECTOR,
    "real_estates_create": Role.COLLECTOR,
    "real_estates_retrieve": Role.COLLECTOR,
    "real_estates_partial_update": Role.COLLECTOR,
    "real_estates_destroy": Role.COLLECTOR,
    "real_estates_submit_create": Role.COLLECTOR,
    "real_estates_approve_create": Role.MANAGER,
    "real_estates_reject_create": Role.MANAGER,
    "real_estates_archive_create": Role.MANAGER,
    "real_estates_history_list": Role.COLLECTOR,
    "real_estates_stats_retrieve": Role.MANAGER,
    "real_estates_export_retrieve": Role.MANAGER,
    "real_estate_photos_list": Role.COLLECTOR,
    "real_estate_photos_upload": Role.COLLECTOR,
    "real_estate_photos_retrieve": Role.COLLECTOR,
    "real_estate_photos_update": Role.COLLECTOR,
    "real_estate_photos_destroy": Role.COLLECTOR,
    "sign_in_create": None,
    "sign_up_create": None,
    "token_refresh_create": None,
    "sign_out_create": Role.COLLECTOR,
    "sync_real_estates": Role.COLLECTOR,
    "users_list": Role.ADMIN,
    "users_create": Role.ADMIN,
    "users_retrieve": Role.ADMIN,
    "users_partial_update": Role.ADMIN,
    "users_destroy": Role.ADMIN,
    "users_me_retrieve": Role.COLLECTOR,
    "users_me_partial_update": Role.COLLECTOR,
    "users_me_destroy": Role.COLLECTOR,
    "users_me_password_create": Role.COLLECTOR,
}

CPF = "52998224725"  # valid, and no factory's (they draw theirs at random)
ADDRESS = {"zip_code": "01310-100", "street": "Avenida Paulista", "city": "São Paulo", "state": "SP"}
# operationId → a JSON body the operation accepts: each body field swept is merged into it.
BODIES: dict[str, dict[str, Any]] = {
    "real_estates_create": {
        "title": "Casa com quintal",
        "kind": "house",
        "purpose": "sale",
        "price": "350000.00",
        "area_m2": "120.00",
        "address": ADDRESS,
    },
    "real_estates_partial_update": {},
    "real_estates_reject_create": {"reason": "Fotos desfocadas."},
    "real_estate_photos_update": {},
    "sign_in_create": {"cpf": CPF, "password": DEFAULT_PASSWORD},
    "sign_up_create": {"cpf": CPF, "name": "Maria da Silva", "password": "outra-senha-bem-longa-42"},
    "token_refresh_create": {"refresh": "not-a-token"},
    "sign_out_create": {"refresh": "not-a-token"},
    "users_create": {
        "cpf": CPF,
        "name": "Maria da Silva",
        "password": "outra-senha-bem-longa-42",
        "role": "manager",
    },
    "users_partial_update": {},
    "users_me_partial_update": {},
    "users_me_password_create": {
        "current_password": DEFAULT_PASSWORD,
        "new_password": "outra-senha-bem-longa-42",
    },
}


# Query parameters that only apply with another one: sent with a valid value of it, so that the
# value swept reaches the code that uses it (`radius_km` alone is a 400 before any distance).
COMPANIONS = {"radius_km": "near=-23.55,-46.63", "ordering": "near=-23.55,-46.63"}


@dataclass(frozen=True)
class Value:
    label: str  # in the test id
    wire: Any  # a query value: its percent-encoded text; a body value: a JSON value, or Raw


@dataclass(frozen=True)
class Raw:
    """JSON text sent as it is (`NaN`, `1e400`): no JSON encoder writes it."""

    text: str


def q(label: str, text: str) -> Value:
    return Value(label, quote(text, safe=""))


TEXTS = {
    "RTL": "\u202eabc\u202c مرحبا",
    "emoji": "🏠👨‍👩‍👧",
    "10k-chars": "a" * 10_000,
}
DATES = [
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59.999999Z",
    "0001-01-01T00:00:00Z",
    "0000-01-01",
    "10000-01-01",
    "2026-02-30",
    "2016-12-31T23:59:60Z",  # a leap second
    "2016-12-31T23:59:60",
    "2026-01-01T24:00:00",
    "2026-01-01T00:00:00+24:00",
]
UUIDS = {
    "nil-uuid": "00000000-0000-0000-0000-000000000000",
    "max-uuid": "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "not-a-uuid": "not-a-uuid",
    "uuid-one-digit-too-long": "00000000-0000-0000-0000-0000000000000",
}
NUMBERS = {
    "zero": 0,
    "minus-one": -1,
    "1e308": 1e308,
    "10**30": 10**30,
    "NaN": Raw("NaN"),
    "inf": Raw("Infinity"),
    "-inf": Raw("-Infinity"),
    "minus-zero": -0.0,
    "1e400": Raw("1e400"),
}


# Each number of a comma-separated list of coordinates (`near`, `bbox`).
COORDINATES = [
    "0",
    "-0",
    "90",
    "-90",
    "180",
    "-180",
    "90.000000000000001",
    "999",
    "NaN",
    "inf",
    "1e400",
    "1e-400",
]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def bounds(schema: dict[str, Any]) -> dict[str, float]:
    """minimum, maximum, and one past each (a step of 1 for an integer, 0.001 otherwise)."""
    step = 1 if schema.get("type") == "integer" else 0.001
    found: dict[str, float] = {}
    for bound, sign in (("minimum", -1), ("maximum", 1)):
        if bound in schema:
            found[bound] = schema[bound]
            found[f"past-{bound}"] = schema[bound] + sign * step
    return found


def lengths(schema: dict[str, Any]) -> dict[str, str]:
    found = {}
    if "maxLength" in schema:
        found["at-maxLength"] = "a" * schema["maxLength"]
        found["over-maxLength"] = "a" * (schema["maxLength"] + 1)
    return found


def options(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [resolve(option) for option in schema.get("anyOf", schema.get("oneOf", [schema]))]


def formats(schema: dict[str, Any]) -> set[str]:
    return {option.get("format", "") for option in options(schema)}


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def enum_members(schema: dict[str, Any]) -> list[str]:
    return [m for option in options(schema) for m in option.get("enum", []) if isinstance(m, str)]


def dedupe(values: list[Value]) -> list[Value]:
    seen: set[str] = set()
    unique = []
    for value in values:
        key = json.dumps(value.wire, default=repr)
        if key not in seen:
            seen.add(key)
            unique.append(value)
    return unique


def query_values(schema: dict[str, Any]) -> list[Value]:
    """The boundary values of a path or query parameter, from its declared schema."""
    if schema.get("type") == "array":
        values = query_values(schema["items"])
        return [*values, q("empty-key", ","), q("bare-minus", "-")]
    if enum_members(schema):
        members = enum_members(schema)
        swapped = [q(f"{m}-swapcase", m.swapcase()) for m in members if m.swapcase() != m]
        return [*swapped, q("unknown-member", "no-such-member"), q("empty", "")]
    if schema.get("type") in ("integer", "number"):
        values = [q(label, _number(v)) for label, v in bounds(schema).items()]
        numbers = [q(label, v.text if isinstance(v, Raw) else str(v)) for label, v in NUMBERS.items()]
        extras = [q("inf-text", "inf"), q("minus-zero-text", "-0"), q("fraction", "1.5"), q("hex", "0x10")]
        return dedupe([*values, *numbers, *extras, q("empty", "")])
    values = [Value("empty", ""), Value("NUL", "%00"), Value("lone-surrogate", "%ED%A0%80")]
    values += [Value("invalid-utf8", "%FF"), *(q(label, text) for label, text in TEXTS.items())]
    values += [q(label, text) for label, text in lengths(schema).items()]
    if "[0-9]" in schema.get("pattern", "") and "," in schema["pattern"]:  # `near`, `bbox`: numbers
        count = schema["pattern"].count(",") + 1
        values += [q(f"all-{x}", ",".join([x] * count)) for x in COORDINATES]
    if "uuid" in formats(schema):
        values = [*(q(label, text) for label, text in UUIDS.items()), *values]
    if formats(schema) & {"date", "date-time"}:
        values = [*(q(text, text) for text in DATES), *values]
    return dedupe(values)


def header_values() -> list[Value]:
    """A header's values, as a WSGI server hands them over (bytes decoded as latin-1)."""
    texts = {
        "empty": "",
        "star": "*",
        "weak-etag": 'W/"1"',
        "etag-0": '"0"',
        "etag-huge": '"' + "9" * 40 + '"',
        "unquoted": "1",
        "tab": "\t",
        "10k-chars": "a" * 10_000,
        "emoji-utf8": "🏠".encode().decode("latin-1"),
        "latin-1": "\xe9",
    }
    return [Value(label, text) for label, text in texts.items()]


def body_values(schema: dict[str, Any]) -> list[Value]:
    """The boundary values of a JSON body field, from its declared schema."""
    schema = resolve(schema)
    wrong_types = [Value("null", None), Value("list", []), Value("object", {})]
    if enum_members(schema):
        members = enum_members(schema)
        swapped = [Value(f"{m}-swapcase", m.swapcase()) for m in members if m.swapcase() != m]
        return [*swapped, Value("unknown-member", "no-such-member"), Value("empty", ""), *wrong_types]
    if schema.get("type") in ("integer", "number"):
        values = [Value(label, v) for label, v in bounds(schema).items()]
        values += [Value(label, v) for label, v in NUMBERS.items()]
        values += [Value("fraction", 1.5), Value("as-text", "1"), Value("true", True)]
        return dedupe([*values, *wrong_types])
    if schema.get("type") == "boolean":
        return [Value("yes", "yes"), Value("two", 2), *wrong_types]
    if schema.get("type") == "object":
        return [Value("text", "x"), *wrong_types]
    values = [Value("empty", ""), Value("NUL", "a\x00b"), Value("lone-surrogate", "a\ud800b")]
    values += [Value(label, text) for label, text in TEXTS.items()]
    values += [Value(label, text) for option in options(schema) for label, text in lengths(option).items()]
    if "decimal" in formats(schema):
        texts = ["NaN", "Infinity", "-Infinity", "-0", "1e400", "1e308", str(10**30), "0.001", "1e2"]
        values += [Value(f"decimal-{text}", text) for text in texts]
    if "email" in formats(schema):
        values += [Value("email-over-254", "a@" + "b" * 250 + ".com"), Value("no-at", "ab.com")]
    return dedupe([*values, Value("number", 5), Value("true", True), *wrong_types])


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    parameters: tuple[dict[str, Any], ...]
    body_schema: dict[str, Any] | None  # of a JSON body


def operations() -> list[Operation]:
    found = []
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                params = tuple(p for p in op.get("parameters", []) if p["in"] in ("path", "query", "header"))
                content = op.get("requestBody", {}).get("content", {})
                body = (
                    resolve(content["application/json"]["schema"]) if "application/json" in content else None
                )
                found.append(Operation(method, path, op["operationId"], params, body))
    return found


@dataclass(frozen=True)
class Case:
    operation: Operation
    query: str = ""  # the raw query string, besides the required parameters'
    path_values: tuple[tuple[str, str], ...] = ()  # (parameter, encoded value) replacing a real id
    headers: tuple[tuple[str, str], ...] = ()
    field: tuple[str, ...] = ()  # the body field swept: its path in the body
    value: Any = None  # its value
    names: str | None = None  # what a VALIDATION_ERROR must name (a parameter, a top field)


def body_fields(
    schema: dict[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Each field of a body, and each field of an object field (one level down)."""
    for name, declared in schema.get("properties", {}).items():
        field = resolve(declared)
        yield (*prefix, name), field
        if field.get("type") == "object" and not prefix:
            yield from body_fields(field, (name,))


def cases() -> Iterator[Any]:
    for op in operations():
        for param in op.parameters:
            name = param["name"]
            values = header_values() if param["in"] == "header" else query_values(param["schema"])
            for value in values:
                if param["in"] == "path":
                    case = Case(op, path_values=((name, value.wire),))
                elif param["in"] == "header":
                    case = Case(op, headers=((name, value.wire),))
                else:
                    case = Case(op, query=f"{name}={value.wire}", names=name)
                yield pytest.param(case, id=f"{op.operation_id}:{name}={value.label}")
        if op.body_schema and op.operation_id in BODIES:
            for field, schema in body_fields(op.body_schema):
                for value in body_values(schema):
                    case = Case(op, field=field, value=value.wire, names=field[0])
                    yield pytest.param(case, id=f"{op.operation_id}:body.{'.'.join(field)}={value.label}")
        for query in (p for p in op.parameters if p["in"] == "query"):
            name = query["name"]
            one, two = (value.wire for value in query_values(query["schema"])[:2])
            case = Case(op, query=f"{name}={one}&{name}={two}", names=name)
            yield pytest.param(case, id=f"{op.operation_id}:{name}=repeated")
        yield pytest.param(Case(op, query="no_such_parameter=1"), id=f"{op.operation_id}:unknown-parameter")


@dataclass
class World:
    clients: dict[str | None, APIClient]
    path_values: dict[tuple[str, str], str]  # (path template, parameter) → a real object's id


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Users of each role with a token, the collector's draft with a photo (the path parameters
    name it, its photo, another collector, or a real estate in the state a transition leaves):
    made once, in a transaction rolled back after the module (each case runs in a savepoint)."""
    media = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path_factory.mktemp("sweep-media"), "base_url": "/media/"},
    }
    with django_db_blocker.unblock(), override_settings(STORAGES={**settings.STORAGES, "default": media}):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            factory.random.reseed_random(f"{FACTORY_SEED}:{__name__}")  # as tests/conftest.py does per test
            users: dict[str, User] = {role: UserFactory(role=role) for role in Role.values}
            other = UserFactory(role=Role.COLLECTOR)
            photo = PhotoFactory(real_estate__collected_by=users[Role.COLLECTOR])
            made = {
                status: RealEstateFactory(collected_by=users[Role.COLLECTOR], status=status)
                for status in (Status.SUBMITTED, Status.APPROVED, Status.REJECTED)
            }
            clients: dict[str | None, APIClient] = {None: _client(None)}
            clients.update({role: _client(user) for role, user in users.items()})
            ids = {"photo_id": str(photo.pk), "real_estate_id": str(photo.real_estate_id)}
            # A transition names a real estate it applies to, so that a value reaches the service.
            transitions = {
                "approve": Status.SUBMITTED,
                "reject": Status.SUBMITTED,
                "archive": Status.APPROVED,
            }
            path_values = {}
            for op in operations():
                action = op.path.rsplit("/", 1)[-1]
                if op.path.startswith("/api/v1/users/"):
                    default = str(other.pk)
                elif action in transitions:
                    default = str(made[transitions[action]].pk)
                else:
                    default = ids["real_estate_id"]
                for param in op.parameters:
                    if param["in"] == "path":
                        path_values[(op.path, param["name"])] = ids.get(param["name"], default)
            yield World(clients, path_values)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client(user: User | None) -> APIClient:
    client = APIClient(raise_request_exception=False)  # a crash is a 500 the test reports
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token_pair(user=user).token}")
    return client


def _required_query(op: Operation, *, but: str | None) -> list[str]:
    """A valid value of each required query parameter but the one swept: its first enum member
    (the schema's only required query parameter is the stats' `group_by`)."""
    return [
        f"{p['name']}={p['schema']['enum'][0]}"
        for p in op.parameters
        if p["in"] == "query" and p.get("required") and p["name"] != but
    ]


def _body(case: Case) -> str | None:
    if case.operation.operation_id not in BODIES:
        return None
    body = json.loads(json.dumps(BODIES[case.operation.operation_id]))
    if case.field:
        *parents, name = case.field
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        target[name] = "\x00RAW\x00" if isinstance(case.value, Raw) else case.value
    text = json.dumps(body)
    if isinstance(case.value, Raw):
        text = text.replace(json.dumps("\x00RAW\x00"), case.value.text)
    return text


def _describe(response: HttpResponse) -> str:
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        return "".join(traceback.format_exception(*exc_info)[-8:])
    return response.content[:500].decode(errors="replace")


def test_every_operation_has_a_role() -> None:
    assert sorted({op.operation_id for op in operations()} - set(ROLES)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(cases()))
def test_a_boundary_value_is_never_a_server_error(world: World, case: Case) -> None:
    op = case.operation
    path = op.path
    for param in op.parameters:
        if param["in"] == "path":
            value = dict(case.path_values).get(param["name"], world.path_values[(op.path, param["name"])])
            path = path.replace("{" + param["name"] + "}", value)
    companion = COMPANIONS.get(case.names or "") if case.query else None
    query = "&".join(filter(None, [*_required_query(op, but=case.names), companion, case.query]))
    url = f"{path}?{query}" if query else path
    client = world.clients[ROLES[op.operation_id]]
    body = _body(case)
    send = getattr(client, op.method)
    headers = dict(case.headers)
    if body is not None:
        response = send(url, body, content_type="application/json", headers=headers)
    else:
        response = send(url, headers=headers)

    request = f"{op.method.upper()} {url[:200]} {(body or '')[:200]}"
    assert response.status_code < 500, f"{request} → {response.status_code}\n{_describe(response)}"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] in CATALOG_CODES, (request, error)
        assert error["message"], (request, error)
        assert error["request_id"], (request, error)
        if error["code"] == "VALIDATION_ERROR" and case.names:
            assert case.names in error["fields"], (request, error)


def test_the_sweep_derives_its_values_from_the_schema() -> None:
    page_size = {"type": "integer", "minimum": 1, "maximum": 100}
    assert {"1", "0", "100", "101", "NaN", "1e400"} <= {v.wire for v in query_values(page_size)}
    assert {v.label: v.wire for v in query_values({"type": "string", "maxLength": 200})}[
        "over-maxLength"
    ] == "a" * 201
    date = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    assert "9999-12-31" in {v.wire for v in query_values(date)}
    kinds = [v.wire for v in body_values({"type": "string", "enum": ["house", "land"]})]
    assert all(kind in kinds for kind in ("HOUSE", "LAND", "no-such-member", None, []))
    assert Raw("1e400") in [v.wire for v in body_values({"type": "number", "maximum": 90})]
