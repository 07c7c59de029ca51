"""Request and response examples of the real-estates API, for the OpenAPI schema.

One real estate told through its life: registered by Ana Souza in Campinas, submitted, approved
by Bruno Lima. Links are shaped as `storage.object_url` signs them (a `…` in one is no
`uri-reference`, and tests/contract/test_schema_examples.py validates every example).
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample

from apps.media.api.examples import COVER, PHOTO
from apps.media.api.examples import UPLOADER as COLLECTOR

_ID = "0b8a3c1e-5d2f-4e6a-9b7c-1d2e3f4a5b6c"
_MANAGER = {"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "name": "Bruno Lima"}
_ADDRESS_INPUT = {
    "zip_code": "13010-111",
    "street": "Rua Barão de Jaguara",
    "number": "1200",
    "complement": "",
    "neighborhood": "Centro",
    "city": "Campinas",
    "state": "SP",
    "latitude": "-22.905560",
    "longitude": "-47.060830",
}
_INPUT = {
    "title": "Casa em Campinas",
    "description": "Três quartos, quintal e garagem para dois carros.",
    "kind": "house",
    "purpose": "sale",
    "price": "650000.00",
    "area_m2": "180.00",
    "bedrooms": 3,
    "bathrooms": 2,
    "parking_spaces": 2,
    "address": _ADDRESS_INPUT,
}


def _detail(*stages: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The real estate as registered, then as each stage left it."""
    created = {
        "id": _ID,
        **{key: value for key, value in _INPUT.items() if key != "address"},
        "status": "draft",
        "address": {**_ADDRESS_INPUT, "zip_code": "13010111"},
        "collected_by": COLLECTOR,
        "reviewed_by": None,
        "reviewed_at": None,
        "rejection_reason": "",
        "photo_count": 0,
        "photos": [],
        "created_at": "2026-11-30T12:00:00Z",
        "updated_at": "2026-11-30T12:00:00Z",
        "version": 1,
    }
    for stage in stages:
        created = {**created, **stage}
    return {**created, **changes}


_WITH_PHOTO = {"photo_count": 1, "photos": [PHOTO], "updated_at": "2026-11-30T12:05:00Z", "version": 2}
_SUBMITTED = {**_WITH_PHOTO, "status": "submitted", "updated_at": "2026-11-30T12:30:00Z", "version": 3}
_REVIEWED = {
    "reviewed_by": _MANAGER,
    "reviewed_at": "2026-12-01T09:00:00Z",
    "updated_at": "2026-12-01T09:00:00Z",
}

CREATE_REQUEST = OpenApiExample("A house for sale", value=_INPUT, request_only=True)
CREATED = OpenApiExample("Registered (a draft)", value=_detail(), response_only=True, status_codes=["201"])
UPDATE_REQUEST = OpenApiExample(
    "A new price and a corrected number",
    value={"price": "620000.00", "address": {"number": "1210"}},
    request_only=True,
)
DETAIL = OpenApiExample(
    "Approved, with its photo",
    value=_detail(_SUBMITTED, _REVIEWED, status="approved", version=4),
    response_only=True,
    status_codes=["200"],
)
SUBMITTED = OpenApiExample("Submitted", value=_detail(_SUBMITTED), response_only=True, status_codes=["200"])
APPROVED = OpenApiExample(
    "Approved",
    value=_detail(_SUBMITTED, _REVIEWED, status="approved", version=4),
    response_only=True,
    status_codes=["200"],
)
REJECT_REQUEST = OpenApiExample(
    "A reason the collector can act on",
    value={"reason": "A foto da fachada está escura; envie outra, de dia."},
    request_only=True,
)
REJECTED = OpenApiExample(
    "Rejected",
    value=_detail(
        _SUBMITTED,
        _REVIEWED,
        status="rejected",
        rejection_reason="A foto da fachada está escura; envie outra, de dia.",
        version=4,
    ),
    response_only=True,
    status_codes=["200"],
)
ARCHIVED = OpenApiExample(
    "Archived",
    value=_detail(_SUBMITTED, _REVIEWED, status="archived", updated_at="2026-12-10T16:00:00Z", version=5),
    response_only=True,
    status_codes=["200"],
)
HISTORY = OpenApiExample(
    "Approved",
    # One transition: drf-spectacular wraps it in the list.
    value={"from": "submitted", "to": "approved", "by": _MANAGER, "at": "2026-12-01T09:00:00Z", "reason": ""},
    response_only=True,
    status_codes=["200"],
)
STATS = OpenApiExample(
    "?group_by=city",
    value={
        "group_by": "city",
        "results": [
            {"key": "São Paulo", "count": 1840, "avg_price": "912345.67", "avg_price_per_m2": "11250.40"},
            {"key": "Campinas", "count": 412, "avg_price": "598000.00", "avg_price_per_m2": "5120.75"},
        ],
    },
    response_only=True,
    status_codes=["200"],
)
NEARBY = OpenApiExample(
    "Nearby, nearest first",
    summary="?near=-23.5505,-46.6333&radius_km=100&ordering=distance",
    description="Within 100 km of the Praça da Sé (São Paulo), nearest first: Campinas is ~84 km away.",
    response_only=True,
    # One item: drf-spectacular wraps it in the list and the page.
    value={
        "id": _ID,
        "title": "Casa em Campinas",
        "kind": "house",
        "purpose": "sale",
        "status": "approved",
        "price": "650000.00",
        "area_m2": "180.00",
        "bedrooms": 3,
        "city": "Campinas",
        "state": "SP",
        "collected_by": COLLECTOR,
        "photo_count": 4,
        "cover": COVER,
        "created_at": "2026-11-30T12:00:00Z",
        "updated_at": "2026-11-30T12:30:00Z",
        "distance_km": 84.012,
    },
)
EXPORT = OpenApiExample(
    "Two rows",
    value=(
        "id,title,kind,purpose,status,price,area_m2,bedrooms,city,state,collected_by_id,"
        "collected_by_name,photo_count,cover,created_at,updated_at\r\n"
        f"{_ID},Casa em Campinas,house,sale,approved,650000.00,180.00,3,Campinas,SP,"
        f"{COLLECTOR['id']},Ana Souza,1,{COVER},2026-11-30T12:00:00Z,2026-12-01T09:00:00Z\r\n"
        '7d6c5b4a-3f2e-4d1c-9b0a-8f7e6d5c4b3a,"Apartamento, 2 quartos",apartment,rent,submitted,'
        f"2500.00,64.50,2,São Paulo,SP,{COLLECTOR['id']},Ana Souza,0,,2026-12-02T10:00:00Z,"
        "2026-12-02T10:20:00Z\r\n"
    ),
    response_only=True,
    status_codes=["200"],
    media_type="text/csv",
)
