"""Brute-force brakes for sign-in and sign-up, checked by DRF before the view runs (so
before any password is hashed). Rates live in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, cast

from django.utils.crypto import salted_hmac
from rest_framework.request import Request

from apps.core.throttling import ClientNetworkMixin, SimpleRateThrottle
from apps.users.cpf import normalize_cpf


class _IpThrottle(ClientNetworkMixin, SimpleRateThrottle):
    """Counts every request from one client IP (NUM_PROXIES decides which address that is; an
    IPv6 client by its /64)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInIpThrottle(_IpThrottle):
    scope = "sign_in_ip"


class SignUpIpThrottle(_IpThrottle):
    scope = "sign_up_ip"


class ProfileEmailIpThrottle(SignUpIpThrottle):
    """Counts a profile edit that sends an `email` (`PATCH /users/me`) in the sign-up's per-IP
    bucket: its answer tells whether another account has that email (EMAIL_ALREADY_REGISTERED), as
    the sign-up's does, so a signed-in account asks it no faster than the sign-up lets anyone (the
    general per-user rate is 40 times the sign-up's). An edit without one is not counted."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        if not isinstance(data, Mapping) or data.get("email") in (None, ""):
            return None  # nothing asked about other accounts (`""` and null clear the email)
        return super().get_cache_key(request, view)


class SignInCpfThrottle(SimpleRateThrottle):
    """Counts sign-in attempts per account, whatever IP they come from.

    The CPF is normalised (formatted and plain spellings count together) and hashed with a key
    derived from SECRET_KEY, so CPFs never sit in the cache's keys: a plain hash of one of the
    ~10^9 CPFs would be reversed by hashing them all (`apps.core.logging.keyed_hash` does the same
    for the logs).
    """

    scope = "sign_in_cpf"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        cpf = data.get("cpf") if isinstance(data, Mapping) else None
        if cpf is None or isinstance(cpf, (dict, list)):
            return None  # nothing to count: such a body is rejected before any hashing
        return self.key_of(str(cpf))

    def key_of(self, cpf: str) -> str:
        """The bucket of the account `cpf` names, however it is spelled."""
        # surrogatepass: JSON can carry a lone surrogate (`"\\ud800"`), which plain UTF-8 cannot
        # encode; the serializer refuses it after this has counted the attempt.
        value = normalize_cpf(cpf).encode("utf-8", "surrogatepass")
        digest = salted_hmac("apps.users.throttling.cpf", value, algorithm="sha256").hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class CurrentPasswordCpfThrottle(SignInCpfThrottle):
    """Counts a check of the signed-in user's current password (`POST /users/me/password`) as a
    sign-in attempt on their account, in the same bucket: a stolen access token is no way to
    guess the password faster than the sign-in allows, and a braked check hashes nothing."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        cpf = getattr(request.user, "cpf", None)
        return self.key_of(cpf) if isinstance(cpf, str) else None


def current_password_check_allowed(user: Any) -> bool:
    """`CurrentPasswordCpfThrottle` outside DRF (the admin's own-password page, whose form has
    the user but no request): counts one check of `user`'s current password; False when their
    account's bucket is over its rate."""
    attempt = cast(Request, SimpleNamespace(user=user))  # the throttle reads `user` alone
    return CurrentPasswordCpfThrottle().allow_request(attempt, None)
