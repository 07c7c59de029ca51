"""Authentication backend: CPF login, and permissions granted by role rather than by row."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser

from apps.users.models import Role, User

# What a manager may do in the Django admin: review real estates and photos, read users.
MANAGER_PERMISSIONS = frozenset(
    {
        "users.view_user",
        "real_estates.view_realestate",
        "real_estates.change_realestate",
        "real_estates.view_realestatetransition",
        "media.view_photo",
        "media.change_photo",
        "media.view_blob",
    }
)


class RoleModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj: User | AnonymousUser, obj: Any = None) -> set[str]:
        permissions = super().get_all_permissions(user_obj, obj)
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.MANAGER and obj is None:
            permissions = permissions | MANAGER_PERMISSIONS
        return permissions
