"""OpenAPI helpers: the error envelope as a schema, and per-endpoint error responses."""

from collections import defaultdict
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request

from apps.core import errors
from apps.core.request_context import REQUEST_ID_PATTERN

ErrorEnvelopeSerializer = inline_serializer(
    name="ErrorEnvelope",
    fields={
        "error": inline_serializer(
            name="Error",
            fields={
                "code": serializers.CharField(help_text="Stable code from the error catalog."),
                "message": serializers.CharField(help_text="Human message in the request's language."),
                "fields": serializers.DictField(
                    required=False, help_text="Only for VALIDATION_ERROR: field → [{code, message}]."
                ),
                "request_id": serializers.CharField(),
            },
        )
    },
)


def error_responses(*error_classes: type[errors.ApiError]) -> dict[int, OpenApiResponse]:
    """`@extend_schema(responses={200: X, **error_responses(errors.NotFound, ...)})`."""
    by_status: dict[int, list[type[errors.ApiError]]] = defaultdict(list)
    for error_class in error_classes:
        by_status[error_class.status_code].append(error_class)
    return {
        status: OpenApiResponse(
            response=ErrorEnvelopeSerializer,
            description=", ".join(f"`{cls.code}`" for cls in classes),
            examples=[
                OpenApiExample(
                    cls.code,
                    value={
                        "error": {"code": cls.code, "message": str(cls.default_message), "request_id": "…"}
                    },
                    response_only=True,
                    status_codes=[str(status)],
                )
                for cls in classes
            ],
        )
        for status, classes in sorted(by_status.items())
    }


class ResourceMetadata(SimpleMetadata):
    """What OPTIONS answers: the route's name, the media types it renders and parses, and in
    `Allow` the methods of the resource, the same for every caller it admits (RFC 9110 §10.2.1).
    Not DRF's `actions`: they gave the view's output serializer as every POST's body (a transition
    reads none, `/reject` only `reason`) and were listed to a collector on `/approve`, whose rule
    is checked on the object, which OPTIONS never looks up. The schema describes bodies
    (docs/adr/0111)."""

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}


# --- postprocessing: what every operation can answer, and shapes strict clients accept --------

_ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
_ETAG = {
    "ETag": {
        "description": "Version tag of this real estate; send it back in `If-Match` to edit safely.",
        "required": True,
        "schema": {"type": "string"},
    }
}
_LOCATION = {
    "Location": {"description": "Path of the new resource.", "required": True, "schema": {"type": "string"}}
}
# Every answer carries the request's id (apps/core/middleware.py `RequestIdMiddleware`): the one
# sent when it is valid (`request_context.accept_or_generate`), else a generated one.
_REQUEST_ID_COMPONENT = {
    "description": "The request's id, also the error envelope's `request_id` and on the server's "
    "log lines: the `X-Request-ID` sent, when valid, else one the server made.",
    "required": True,
    "schema": {"type": "string", "pattern": f"^{REQUEST_ID_PATTERN}$"},
}
_REQUEST_ID = {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}
_REQUEST_ID_PARAMETER = {
    "in": "header",
    "name": "X-Request-ID",
    "required": False,
    "schema": {"type": "string"},
    "description": "An id to find this request by (a proxy's or a trace's): taken as sent when it is "
    "8 to 128 letters, digits or `._:-`, the first a letter or a digit; any other value is "
    "replaced by one the server makes, never refused. Answered in the `X-Request-ID` header.",
}
_REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` on a retry answered from the first request with the same "
        "`Idempotency-Key` (nothing was created again); absent otherwise.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
_WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with (`Bearer`), on a refusal by the authenticator.",
        "schema": {"type": "string"},
    }
}
_ACCEPT_ENCODING = {
    "Accept-Encoding": {
        "description": "`identity`, on a body refused for its `Content-Encoding`: send it uncompressed.",
        "schema": {"type": "string", "enum": ["identity"]},
    }
}
_IDEMPOTENCY_KEY = ("header", "Idempotency-Key")
# Responses the views answer with headers of their own (apps/real_estates/api/views.py `_detail`).
_ETAG_SCHEMA_REF = "#/components/schemas/RealEstateDetail"
_LOCATION_OPERATIONS = frozenset({"real_estates_create"})
_AUTH_CODES = (errors.NotAuthenticated, errors.AuthenticationFailed, errors.TokenInvalid)
_BODY_CODES = (errors.MalformedRequest, errors.PayloadTooLarge, errors.UnsupportedMediaType)


def postprocess_contract(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry (ADR 0070).

    - every operation an authenticator guards documents 401; every operation documents 406 (an
      `Accept` nothing renders), 429 with `Retry-After` and 503 (the database is down); a
      paginated list, or one offering DRF's `?format=`, documents 404 (a page past the last, an
      unknown format); every operation with a body documents 400 (MALFORMED_REQUEST), 413, 415;
      each with an example envelope of each code, as the errors a view declares have;
    - `ETag` on every real-estate detail answer, `Location` on a create; `X-Request-ID` sent and
      answered on every operation, `Idempotent-Replayed` on an idempotent create's success,
      `Retry-After` on a 503, `WWW-Authenticate` on a 401, `Accept-Encoding` on a 415 (ADR 0122);
    - `Patched*` request components declare no `default` (a generated client would send it) and
      nest `Patched*` copies (a partial address is a valid PATCH);
    - a nullable `allOf`/`oneOf`/`anyOf` gets an explicit null branch: OpenAPI 3.0's `nullable`
      has no effect without a `type` beside it, so strict validators reject the `null` sent;
    - a request body (`*Request`) is closed (`additionalProperties: false`): every input
      serializer refuses an unknown key with FIELD_NOT_ALLOWED (`StrictInputSerializer`, the real
      estate's input and its address), docs/adr/0105;
    - a sort key's enum names its members (`x-enum-varnames`: `PRICE`, `PRICE_DESC`), which a
      generated client cannot derive from `-price`;
    - `info.version` is the settings' `VERSION` alone, whatever version the generator was given
      (the served view names it, `config/api.py`; drf-spectacular would append it), docs/adr/0111.
    """
    result.setdefault("info", {})["version"] = settings.SPECTACULAR_SETTINGS["VERSION"]
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            _document_common_errors(operation)
            _document_headers(operation)
            _name_sort_keys(operation)
    result.setdefault("components", {}).setdefault("headers", {})["X-Request-ID"] = _REQUEST_ID_COMPONENT
    schemas: dict[str, Any] = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request") and "properties" in schema:
            schema["additionalProperties"] = False  # every input serializer refuses an unknown key
    for name in [name for name in schemas if name.startswith("Patched")]:
        schemas[name] = _patched(schemas[name], schemas)
    _nullable_composites(result)
    return result


def _name_sort_keys(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        enum = schema.get("items", schema).get("enum", [])
        if any(isinstance(value, str) and value.startswith("-") for value in enum):
            schema.get("items", schema)["x-enum-varnames"] = [
                value[1:].upper() + "_DESC" if value.startswith("-") else value.upper() for value in enum
            ]


def _document_common_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if any(operation.get("security", [])):  # `[{}]`: anonymous, no authenticator to fail
        _add_error(responses, 401, _AUTH_CODES)
    _add_error(responses, 406, (errors.NotAcceptable,))
    _add_error(responses, 429, (errors.Throttled,))
    # Every throttle and quota answers how long to wait (apps/core/throttling.py, quotas.py).
    responses["429"].setdefault("headers", {}).update(
        {name: {**header, "required": True} for name, header in _RETRY_AFTER.items()}
    )
    _add_error(responses, 503, (errors.ServiceUnavailable,))
    ok_schema = responses.get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if ok_schema.get("$ref", "").startswith("#/components/schemas/Paginated"):
        _add_error(responses, 404, (errors.NotFound,))  # a page past the last one
    if any(
        param.get("name") == "format" and param.get("in") == "query"
        for param in operation.get("parameters", [])
    ):
        _add_error(responses, 404, (errors.NotFound,))  # DRF's answer to an unknown `format`
    if "requestBody" in operation:
        for error_class in _BODY_CODES:
            _add_error(responses, error_class.status_code, (error_class,))
    for status, response in responses.items():
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if status.startswith("2") and schema.get("$ref") == _ETAG_SCHEMA_REF:
            response.setdefault("headers", {}).update(_ETAG)
        if status == "201" and operation.get("operationId") in _LOCATION_OPERATIONS:
            response.setdefault("headers", {}).update(_LOCATION)
    operation["responses"] = dict(sorted(responses.items()))


def _document_headers(operation: dict[str, Any]) -> None:
    """The headers no view declares: `X-Request-ID` sent and answered on every operation,
    `Idempotent-Replayed` on the success of one that takes an `Idempotency-Key`, the
    `Retry-After` of a 503, `WWW-Authenticate` on a 401, `Accept-Encoding` on a 415."""
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    idempotent = any(
        (parameter.get("in"), parameter.get("name")) == _IDEMPOTENCY_KEY for parameter in parameters
    )
    parameters.append(dict(_REQUEST_ID_PARAMETER))
    for status, response in operation["responses"].items():
        headers = response.setdefault("headers", {})
        if idempotent and status.startswith("2"):
            headers.update(_REPLAYED)
        headers.update(
            {"401": _WWW_AUTHENTICATE, "415": _ACCEPT_ENCODING, "503": _RETRY_AFTER}.get(status, {})
        )
        headers.update(_REQUEST_ID)


def _add_error(responses: dict[str, Any], status: int, classes: tuple[type[errors.ApiError], ...]) -> None:
    """Document `classes` under `status`: their codes in the description and an example of each
    envelope, as `error_responses` does for the errors a view declares."""
    key = str(status)
    if key not in responses:
        responses[key] = {"content": {"application/json": {"schema": dict(_ENVELOPE_REF)}}, "description": ""}
    response = responses[key]
    media = response.get("content", {}).get("application/json")
    missing = [cls for cls in classes if f"`{cls.code}`" not in response["description"]]
    if media is None or not missing:
        return
    codes = [f"`{cls.code}`" for cls in missing]
    response["description"] = ", ".join([response["description"], *codes]).lstrip(", ")
    examples = media.setdefault("examples", {})
    for cls in missing:
        envelope = {"code": cls.code, "message": str(cls.default_message), "request_id": "…"}
        examples[cls.code.replace("_", "")] = {"value": {"error": envelope}, "summary": cls.code}


def _patched(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body: no default, nothing required, nested request objects patched alike."""
    patched = {key: value for key, value in schema.items() if key != "required"}
    properties = {}
    for name, original in schema.get("properties", {}).items():
        prop = {key: value for key, value in original.items() if key != "default"}
        target = _ref_target(prop)
        if target and target.endswith("Request") and "properties" in schemas.get(target, {}):
            patched_name = f"Patched{target}"
            if patched_name not in schemas:
                schemas[patched_name] = _patched(schemas[target], schemas)
            prop = _retarget(prop, patched_name)
        properties[name] = prop
    if properties:
        patched["properties"] = properties
    return patched


def _ref_target(prop: dict[str, Any]) -> str | None:
    ref = prop.get("$ref") or next(
        (item.get("$ref") for item in prop.get("allOf", []) if "$ref" in item), None
    )
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _retarget(prop: dict[str, Any], name: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{name}"}
    if "$ref" in prop:
        return ref
    return {**prop, "allOf": [ref if "$ref" in item else item for item in prop["allOf"]]}


def _nullable_composites(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _nullable_composites(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _nullable_composites(value)
    if node.get("nullable") is not True or "type" in node:
        return
    branches = node.pop("allOf", None)
    if branches is not None and len(branches) != 1:
        node["allOf"] = branches  # not a plain nullable reference: leave it
        return
    keyword = "oneOf" if branches is not None or "oneOf" in node else "anyOf" if "anyOf" in node else None
    if keyword is None:
        return
    options = branches if branches is not None else node[keyword]
    first_type = options[0].get("type", "object") if isinstance(options[0], dict) else "object"
    node[keyword] = [*options, {"type": first_type, "nullable": True, "enum": [None]}]
    del node["nullable"]
