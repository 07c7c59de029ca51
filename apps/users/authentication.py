"""JWT authentication with the user read through the shared cache (apps/users/auth_cache.py)."""

from typing import Any, cast

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from apps.users import auth_cache
from apps.users.models import User


class CachedUserJWTAuthentication(JWTAuthentication):
    """simplejwt's authentication, with the user read through the cache."""

    def get_user(self, validated_token: Token) -> Any:
        if settings.AUTH_USER_CACHE_SECONDS <= 0:
            return super().get_user(validated_token)
        found = auth_cache.cached(validated_token.get(api_settings.USER_ID_CLAIM))
        if found is None:
            user = super().get_user(validated_token)  # the database, and simplejwt's own checks
            auth_cache.remember(cast(User, user))
            return user
        user, fingerprint = found
        # The same checks simplejwt makes on a row read from the database.
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != fingerprint:
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class CachedUserJWTScheme(SimpleJWTScheme):  # type: ignore[no-untyped-call]  # untyped __init_subclass__
    """The OpenAPI security scheme of simplejwt's authentication, for ours."""

    target_class = "apps.users.authentication.CachedUserJWTAuthentication"
