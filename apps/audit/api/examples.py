"""Response examples of the audit API, for the OpenAPI schema."""

from drf_spectacular.utils import OpenApiExample

EVENT = OpenApiExample(
    "An approval, then an edit by a manager",
    value={  # one item: drf-spectacular wraps it in the list and the page
        "id": 48213,
        "actor": {"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "name": "Bruno Lima"},
        "action": "real_estate.approve",
        "target_type": "real_estate",
        "target_id": "0b8a3c1e-5d2f-4e6a-9b7c-1d2e3f4a5b6c",
        "changes": {"status": ["submitted", "approved"]},
        "request_id": "4f9c2a7e1b3d4c5a8e6f0a1b2c3d4e5f",
        "created_at": "2026-12-01T09:00:00Z",
    },
    response_only=True,
    status_codes=["200"],
)
