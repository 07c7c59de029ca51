"""Shapes of the audit API: `{id, actor {id, name} | null, action, target_type, target_id,
changes {field: [before, after]}, request_id, created_at}`."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.audit.models import AuditEvent

DELETED_USER_NAME = "deleted user"


class AuditActorSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(allow_null=True, help_text="null once the account was erased.")
    name = serializers.CharField(help_text=f'"{DELETED_USER_NAME}" once the account was erased.')


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.SerializerMethodField(
        help_text="Who made the change; null for a command or task acting on its own."
    )
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(allow_null=True), min_length=2, max_length=2),
        help_text="field → [before, after]; null where there was no value (creation, deletion).",
    )

    class Meta:
        model = AuditEvent
        fields = ("id", "actor", "action", "target_type", "target_id", "changes", "request_id", "created_at")
        read_only_fields = fields
        # The model's names and help are the admin's, in the browser's language; the API's stay
        # English in every language (a label that is the field's own name adds no schema title).
        extra_kwargs = {
            **{
                name: {"label": name.replace("_", " ")}
                for name in ("target_type", "target_id", "request_id", "created_at")
            },
            "action": {"label": "action", "help_text": "`<target type>.<verb>`"},
        }

    @extend_schema_field(AuditActorSerializer(allow_null=True))
    def get_actor(self, event: AuditEvent) -> dict[str, Any] | None:
        if event.actor_erased:
            return {"id": None, "name": DELETED_USER_NAME}
        if event.actor is None:
            return None
        return {"id": event.actor.pk, "name": event.actor.name}
