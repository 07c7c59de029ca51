"""Small helpers shared by tests that use the real-estates API."""

import copy
from typing import Any

from django.test import Client

from apps.audit.models import AuditEvent
from apps.media import storage
from apps.media.models import Blob, Photo
from apps.real_estates.models import RealEstate, RealEstateTransition

URL = "/api/v1/real-estates"
CHANGELIST = "/admin/real_estates/realestate/"
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


def writes_on_record() -> dict[str, Any]:
    """What the writes of collectors and managers leave (real estates, photos, blobs, stored
    objects, transitions, audit events; an erasure's own traces aside): equal before and after
    a refused write when it wrote nothing."""
    return {
        "real_estates": sorted(
            RealEstate.objects.values_list("pk", "title", "status", "version", "photo_count", "reviewed_by")
        ),
        "photos": sorted(Photo.objects.values_list("pk", "caption", "position")),
        "blobs": Blob.objects.count(),
        "objects": sorted(stored.key for stored in storage.iter_objects()),
        "transitions": RealEstateTransition.objects.count(),
        "events": AuditEvent.objects.exclude(action__startswith="user.").count(),
    }


def post_change_form(client: Client, real_estate: RealEstate, **changes: str) -> Any:
    """POST the admin's change page as the browser would, with `changes` made to what it showed."""
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields
    }
    data.update(changes)
    for prefix in ("transitions", "photos"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return client.post(url, data)
