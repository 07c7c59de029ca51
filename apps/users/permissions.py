"""Role rules for the API, as small DRF permission classes."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from apps.users.models import Role


def _role(request: Request) -> str | None:
    user = request.user
    return getattr(user, "role", None) if user and user.is_authenticated else None


class IsAdmin(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return _role(request) == Role.ADMIN


class IsManagerOrAdmin(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return _role(request) in (Role.ADMIN, Role.MANAGER)


class IsReviewerOfObject(BasePermission):
    """Managers and admins act on the object. Checked once the scoped queryset has found it,
    so a record the caller cannot see stays a 404, and a collector's own is a 403."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return _role(request) in (Role.ADMIN, Role.MANAGER)


class IsAdminOrManagerReadOnly(BasePermission):
    """Admins do anything; managers only read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        role = _role(request)
        return role == Role.ADMIN or (role == Role.MANAGER and request.method in SAFE_METHODS)
