"""JWT issuing and revocation on top of simplejwt, closing the gaps it leaves open.

simplejwt's own refresh view is not single-use under concurrency and answers 500 for a
deleted user; `apps.users.services.token_refresh` replaces it and uses these helpers.
Access tokens die with their user's password hash (the `hash_password` revoke claim),
`is_active` flag or row; refresh tokens die through the blacklist.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core import errors
from apps.users.models import User

TOKEN_TYPE = "Bearer"  # noqa: S105 — the auth scheme, not a secret
ROLE_CLAIM = "role"


@dataclass(frozen=True)
class TokenPair:
    token: str
    refresh: str
    token_type: str
    expires_in: int


class _RefreshTokenIgnoringBlacklist(RefreshToken):
    """A refresh token whose signature, type and expiry are checked, but not the blacklist:
    sign-out of a token that is already dead is not an error."""

    def check_blacklist(self) -> None:
        return None


def access_token_seconds() -> int:
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    return int(lifetime.total_seconds())


def issue_token_pair(*, user: User) -> TokenPair:
    """A new refresh token (recorded as outstanding) and its access token, both carrying the role."""
    refresh = RefreshToken.for_user(user)
    refresh[ROLE_CLAIM] = user.role
    # for_user stored the token before the role claim was added; keep the stored copy exact.
    OutstandingToken.objects.filter(jti=refresh[api_settings.JTI_CLAIM]).update(token=str(refresh))
    return TokenPair(
        token=str(refresh.access_token),
        refresh=str(refresh),
        token_type=TOKEN_TYPE,
        expires_in=access_token_seconds(),
    )


def decode_refresh(raw: str, *, check_blacklist: bool = True) -> RefreshToken:
    """A verified refresh token, or TOKEN_INVALID for anything forged, expired, mistyped or dead."""
    token_class = RefreshToken if check_blacklist else _RefreshTokenIgnoringBlacklist
    try:
        return token_class(raw)  # type: ignore[arg-type]
    except TokenError as exc:
        raise errors.TokenInvalid() from exc


def token_user_id(token: RefreshToken) -> Any:
    return token.payload.get(api_settings.USER_ID_CLAIM)


def user_tokens_revoke(*, user: User) -> int:
    """Blacklists every refresh token of `user` that is still alive; returns how many.

    Not atomic on its own: the write services that call it are the transaction.
    """
    alive = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=outstanding) for outstanding in alive], ignore_conflicts=True
    )
    return len(created)
