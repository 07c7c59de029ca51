"""Small helpers shared by tests that use the real-estates API."""

import copy
from typing import Any

URL = "/api/v1/real-estates"
PAYLOAD: dict[str, Any] = {
    "title": "Casa no Itaím",
    "description": "Casa térrea com quintal.",
    "kind": "house",
    "purpose": "sale",
    "price": "350000.00",
    "area_m2": "120.50",
    "bedrooms": 3,
    "bathrooms": 2,
    "parking_spaces": 1,
    "address": {
        "zip_code": "04534-011",
        "street": "Rua Joaquim Floriano",
        "number": "100",
        "complement": "Casa 2",
        "neighborhood": "Itaim Bibi",
        "city": "São Paulo",
        "state": "sp",
        "latitude": -23.5846,
        "longitude": -46.6744,
    },
}


def payload(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PAYLOAD)
    address = changes.pop("address", {})
    data.update(changes)
    data["address"].update(address)
    return data
