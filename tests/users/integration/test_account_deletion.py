"""LGPD erasure: after deletion nothing personal of the user is left in the database."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.users import services
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, sign_in

pytestmark = pytest.mark.django_db


def _all_text_in_database() -> str:
    """Every text column of every table, concatenated: where personal data could hide."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names from introspection
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_deleting_an_account_leaves_no_personal_data(admin_user: User) -> None:
    user = UserFactory(name="Fulana Deletavel", email="fulana@example.com")
    RealEstateFactory(collected_by=user)  # which keeps a copy of the name for the list
    pair = sign_in(APIClient(), user)
    sign_in(APIClient(), user)
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[user], action_flag=CHANGE, change_message="Changed role."
    )
    password_hash, user_id = user.password, str(user.pk)

    assert bearer(pair["token"]).delete("/api/v1/users/me").status_code == 200

    text = _all_text_in_database()
    for personal in (user.cpf, "Fulana Deletavel", "fulana@example.com", password_hash, user_id):
        assert personal not in text
    assert not OutstandingToken.objects.exists()
    assert LogEntry.objects.filter(user=admin_user).count() == 0


def test_other_users_are_untouched_by_a_deletion() -> None:
    keep, gone = UserFactory(), UserFactory()
    sign_in(APIClient(), keep)
    services.user_delete(user=gone, actor=gone)
    assert User.objects.filter(pk=keep.pk).exists()
    assert OutstandingToken.objects.filter(user=keep).count() == 1
    sign_in(APIClient(), keep, DEFAULT_PASSWORD)
