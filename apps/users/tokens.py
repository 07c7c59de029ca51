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
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from apps.core import errors
from apps.users import auth_cache
from apps.users.models import User

TOKEN_TYPE = "Bearer"  # noqa: S105 — the auth scheme, not a secret
ROLE_CLAIM = "role"
FAMILY_CLAIM = "family"
"""The sign-in a refresh token descends from (ADR 0014): the first token's `jti`, carried over
by every refresh, so a reuse can revoke the whole family."""


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


def issue_token_pair(*, user: User, family: str | None = None) -> TokenPair:
    """A new refresh token (recorded as outstanding) and its access token, both carrying the role
    and the token family (`family`: the refreshed token's; None, a sign-in: a new one).

    Built with simplejwt's public token API rather than `RefreshToken.for_user`, which stores the
    token before the role claim can be added (a second write to keep the stored copy exact):
    the same claims as `for_user` (user id, the revoke claim), then the role, then one INSERT.
    Not atomic on its own: the services that call it are the transaction.
    """
    refresh = RefreshToken()
    refresh[api_settings.USER_ID_CLAIM] = str(getattr(user, api_settings.USER_ID_FIELD))
    if api_settings.CHECK_REVOKE_TOKEN:
        refresh[api_settings.REVOKE_TOKEN_CLAIM] = get_md5_hash_password(user.password)
    refresh[ROLE_CLAIM] = user.role
    refresh[FAMILY_CLAIM] = family or refresh[api_settings.JTI_CLAIM]
    encoded = str(refresh)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[api_settings.JTI_CLAIM],
        token=encoded,
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return TokenPair(
        token=str(refresh.access_token),
        refresh=encoded,
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


def token_family(token: Token) -> str:
    """The family of a refresh token; one issued before families existed is the root of its own."""
    return str(token.get(FAMILY_CLAIM) or token[api_settings.JTI_CLAIM])


def token_family_revoke(*, user: User, family: str) -> int:
    """Blacklists every live refresh token of `family` (the user's, read from the stored JWTs:
    one per sign-in at most, since refreshes are single-use) and returns how many.

    Not atomic on its own: `token_refresh` (a reuse) and `user_sign_out` are the transaction,
    under the user's row lock, which every refresh takes too, so no token of the family is being
    issued meanwhile."""
    members = []
    alive = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).order_by("pk")
    for outstanding in alive:
        try:
            token = decode_refresh(outstanding.token, check_blacklist=False)
        except errors.TokenInvalid:  # expired since the query: dead anyway
            continue
        if token_family(token) == family:
            members.append(BlacklistedToken(token=outstanding))
    return len(BlacklistedToken.objects.bulk_create(members, ignore_conflicts=True))


def user_tokens_revoke(*, user: User) -> int:
    """Kills every token of `user` issued until now: their refresh tokens that are still alive
    are blacklisted (returns how many), and `tokens_revoked_at` refuses their access tokens
    (`issued_before_revocation`), even once the account is reactivated or its role restored.

    Not atomic on its own: the write services that call it are the transaction.
    """
    user.tokens_revoked_at = timezone.now()
    User.objects.filter(pk=user.pk).update(tokens_revoked_at=user.tokens_revoked_at)
    auth_cache.forget(user.pk)  # a raw update: no post_save tombstones the cached row
    alive = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=outstanding) for outstanding in alive], ignore_conflicts=True
    )
    return len(created)


def issued_before_revocation(token: Token, user: User) -> bool:
    """True for a token issued before the user's tokens were last revoked. To the second (the
    `iat` claim is whole seconds): a token issued in the second of the revocation is spared, so
    a sign-in right after a revocation never gets a dead token."""
    revoked_at = user.tokens_revoked_at
    if revoked_at is None:
        return False
    issued_at = token.get("iat")
    return not isinstance(issued_at, int) or issued_at < int(revoked_at.timestamp())
