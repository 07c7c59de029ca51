"""`GET /api/v1/audit-events`: the audit trail, for admins, newest first. Read-only: no
route writes, edits or deletes an event."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from apps.audit.api import examples
from apps.audit.api.filters import AuditEventFilter
from apps.audit.api.serializers import AuditEventSerializer
from apps.audit.models import AuditEvent
from apps.audit.querysets import AuditEventQuerySet
from apps.core import errors
from apps.core.openapi import error_responses
from apps.users.api.views import NoStoreMixin
from apps.users.permissions import IsAdmin


class AuditEventViewSet(NoStoreMixin, viewsets.GenericViewSet[AuditEvent]):
    permission_classes = [IsAdmin]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    queryset = AuditEvent.objects.all()

    def get_queryset(self) -> AuditEventQuerySet:
        return AuditEvent.objects.with_actor().order_by("-created_at", "-id")

    @extend_schema(
        tags=["audit"],
        summary="The audit trail (admins)",
        examples=[examples.EVENT],
        description="One event per change made by any path (API, admin, command, task): who, what, "
        "on which record, the changed fields as `[before, after]` (never a password, hash or token), "
        "the request id and when. Newest first. Events are append-only; an erased user's events stay, "
        'with the actor shown as `{"id": null, "name": "deleted user"}` and no name, CPF or email.',
        responses={
            200: AuditEventSerializer(many=True),
            **error_responses(
                errors.ValidationError,
                errors.NotAuthenticated,
                errors.AuthenticationFailed,
                errors.TokenInvalid,
                errors.PermissionDenied,
            ),
        },
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)
