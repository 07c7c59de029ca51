"""simplejwt's JWT authentication, with the user row read through the shared cache
(apps/users/auth_cache.py).

The token is decoded and validated by simplejwt on every request. Only the user row may come
from the cache, and only as simplejwt accepted it: an entry records the revoke claim
(`hash_password`) of the token that simplejwt's own `get_user` authenticated against the row.
A token carrying the same claim is answered from the entry; any other token goes to the
database and simplejwt's checks. Revocation stays immediate because every change of a user
tombstones its entry (docs/adr/0011-jwt-revocation.md). A token whose `role` claim is no longer
the user's role is refused as well: a role change ends the sessions issued for the old role.
"""

from typing import Any, cast

from django.conf import settings
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from apps.users import auth_cache
from apps.users.models import User
from apps.users.tokens import ROLE_CLAIM, TOKEN_TYPE, issued_before_revocation

# The scheme as simplejwt compares it, to the letter (AUTH_HEADER_TYPES), and as a sign-in names it.
_SCHEME = TOKEN_TYPE.encode()


class CachedUserJWTAuthentication(JWTAuthentication):
    """simplejwt's authentication; the user it accepted is remembered with the token's revoke claim."""

    def get_raw_token(self, header: bytes) -> bytes | None:
        """simplejwt's, with the scheme read in any case (RFC 9110 §11.1: `bearer` is `Bearer`)."""
        parts = header.split(maxsplit=1)
        if parts and parts[0].lower() == _SCHEME.lower():
            parts[0] = _SCHEME
        return super().get_raw_token(b" ".join(parts))

    def get_user(self, validated_token: Token) -> Any:
        user = self._accepted_user(validated_token)
        if validated_token.get(ROLE_CLAIM) != user.role:
            raise InvalidToken("The token was issued for another role.")
        if issued_before_revocation(validated_token, user):  # deactivated or demoted since, say
            raise InvalidToken("The token was revoked.")
        return user

    def _accepted_user(self, validated_token: Token) -> User:
        if settings.AUTH_USER_CACHE_SECONDS <= 0:
            return cast(User, super().get_user(validated_token))
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        claim = validated_token.get(api_settings.REVOKE_TOKEN_CLAIM)
        user = auth_cache.cached(user_id, claim=claim)
        if user is None:
            # The database and every check of simplejwt's (active, password unchanged).
            user = cast(User, super().get_user(validated_token))
            auth_cache.remember(user, claim=claim)
        return user


class CachedUserJWTScheme(SimpleJWTScheme):  # type: ignore[no-untyped-call]  # untyped __init_subclass__
    """The OpenAPI security scheme of simplejwt's authentication, for ours."""

    target_class = "apps.users.authentication.CachedUserJWTAuthentication"
