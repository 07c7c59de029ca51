"""The daily `flush_expired_tokens` answers what it deleted, against real PostgreSQL."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.core.tasks import flush_expired_tokens
from apps.users.models import User
from tests.threads import waiting_for
from tests.users.factories import UserFactory


def _refresh_token(user: User, *, expires_in: timedelta) -> OutstandingToken:
    return OutstandingToken.objects.create(
        user=user,
        jti=uuid.uuid4().hex,
        token=f"token-{uuid.uuid4().hex}",
        expires_at=timezone.now() + expires_in,
    )


@pytest.mark.django_db
def test_a_flush_answers_how_many_expired_tokens_it_deleted() -> None:
    user = UserFactory()
    for _ in range(2):
        _refresh_token(user, expires_in=-timedelta(days=1))
    live = _refresh_token(user, expires_in=timedelta(days=1))

    assert flush_expired_tokens() == 2
    assert list(OutstandingToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert flush_expired_tokens() == 0  # a second run finds nothing left


@pytest.mark.django_db(transaction=True)
def test_a_flush_does_not_count_a_token_another_run_deleted_meanwhile() -> None:
    # Two flushes at once (beat's and one by hand): the second counted the expired token before
    # the first's delete committed, then deleted nothing, and still answered 1.
    expired = _refresh_token(UserFactory(), expires_in=-timedelta(days=1))

    answered = waiting_for(
        lambda: OutstandingToken.objects.filter(pk=expired.pk).delete(), flush_expired_tokens
    )

    assert answered == 0
    assert not OutstandingToken.objects.exists()
