"""Reading the audit trail in tests."""

import json
from typing import Any

from apps.audit.models import AuditEvent


def events_about(target: Any) -> list[AuditEvent]:
    """Every event about `target` (a model instance or an id), oldest first."""
    target_id = getattr(target, "pk", target)
    return list(AuditEvent.objects.filter(target_id=str(target_id)).order_by("created_at", "id"))


def actions_about(target: Any) -> list[str]:
    return [event.action for event in events_about(target)]


def all_events_text() -> str:
    """Every stored event as one JSON text, to look for what must never be in one."""
    return json.dumps(
        list(AuditEvent.objects.values("action", "target_id", "changes", "request_id")), default=str
    )
