"""The daily `clear_expired_sessions` deletes the admin's expired sessions and keeps the live
ones, by beat's schedule and by `run_scheduled_tasks` (the embedded default has no beat)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.users.models import User

pytestmark = pytest.mark.django_db


def _expired_session() -> str:
    store = SessionStore()
    store["note"] = "signed in long ago"
    store.create()
    yesterday = timezone.now() - timedelta(days=1)
    Session.objects.filter(session_key=store.session_key).update(expire_date=yesterday)
    return str(store.session_key)


def test_the_daily_run_deletes_expired_sessions_and_keeps_a_signed_in_admins(admin_user: User) -> None:
    expired = _expired_session()
    client = Client()
    client.force_login(admin_user)
    live = client.session.session_key

    call_command("run_scheduled_tasks", only=["clear-expired-sessions-daily"], verbosity=0)

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()
    assert client.get("/admin/").status_code == 200  # still signed in
