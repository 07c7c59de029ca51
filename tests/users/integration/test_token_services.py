"""Token services at their edges: odd tokens, housekeeping, and what a stored token says."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core import errors
from apps.users import services
from apps.users.models import Role
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_stored_refresh_token_is_the_one_issued() -> None:
    user = UserFactory(role=Role.MANAGER)
    pair = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
    stored = OutstandingToken.objects.get(user=user)
    assert stored.token == pair.refresh
    assert RefreshToken(pair.refresh)["role"] == "manager"


def test_a_refresh_token_that_was_never_recorded_is_refused() -> None:
    user = UserFactory()
    token = RefreshToken()  # signed with our key, but not issued by sign-in
    token["user_id"] = str(user.pk)
    with pytest.raises(errors.TokenInvalid):
        services.token_refresh(refresh=str(token))


def test_a_signed_token_with_a_malformed_user_id_is_refused_not_a_crash() -> None:
    token = RefreshToken.for_user(UserFactory())
    token["user_id"] = "not-a-uuid"
    OutstandingToken.objects.filter(jti=token["jti"]).update(token=str(token))
    with pytest.raises(errors.TokenInvalid):
        services.token_refresh(refresh=str(token))


def test_sign_out_of_an_unrecorded_token_is_refused() -> None:
    user = UserFactory()
    token = RefreshToken()
    token["user_id"] = str(user.pk)
    with pytest.raises(errors.TokenInvalid):
        services.user_sign_out(user=user, refresh=str(token))


def test_flushexpiredtokens_removes_expired_tokens_and_their_blacklist_rows() -> None:
    user = UserFactory()
    old = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
    services.token_refresh(refresh=old.refresh)  # blacklists the first refresh token
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        fresh = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
        call_command("flushexpiredtokens")
    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [fresh.refresh]
    assert not BlacklistedToken.objects.exists()
