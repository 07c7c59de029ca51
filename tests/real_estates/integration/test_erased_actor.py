"""A write by a user whose account was erased since their request was authenticated (or since the
admin page was read): every service that references its actor refuses it (401
AUTHENTICATION_FAILED) and writes nothing, instead of failing at commit on a reference to the
deleted row (500). The race itself, on two connections: tests/users/integration/
test_erasure_concurrency.py."""

import io
from collections.abc import Callable
from typing import Any

import pytest

from apps.core import errors
from apps.media import services as media_services
from apps.media.models import Photo
from apps.real_estates import services
from apps.real_estates.models import RealEstate, Status
from apps.users.models import Role, User
from apps.users.services import user_delete
from tests.media.factories import png
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import writes_on_record
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

Write = Callable[[RealEstate, User, Photo], Any]

# the write, who makes it, the status it applies to
WRITES: dict[str, tuple[Write, str, str]] = {
    "update": (
        lambda r, u, _: services.real_estate_update(real_estate=r, actor=u, fields={"title": "Nova"}),
        Role.COLLECTOR,
        Status.REJECTED,
    ),
    "delete": (
        lambda r, u, _: services.real_estate_delete(real_estate=r, actor=u),
        Role.COLLECTOR,
        Status.DRAFT,
    ),
    "submit": (
        lambda r, u, _: services.real_estate_submit(real_estate=r, actor=u),
        Role.COLLECTOR,
        Status.DRAFT,
    ),
    "approve": (
        lambda r, u, _: services.real_estate_approve(real_estate=r, actor=u),
        Role.MANAGER,
        Status.SUBMITTED,
    ),
    "reject": (
        lambda r, u, _: services.real_estate_reject(real_estate=r, actor=u, reason="Fotos escuras"),
        Role.MANAGER,
        Status.SUBMITTED,
    ),
    "archive": (
        lambda r, u, _: services.real_estate_archive(real_estate=r, actor=u),
        Role.ADMIN,
        Status.APPROVED,
    ),
    "manager's delete": (
        lambda r, u, _: services.real_estate_delete(real_estate=r, actor=u),
        Role.MANAGER,
        Status.APPROVED,
    ),
    "photo upload": (
        lambda r, u, _: media_services.photo_upload(real_estate=r, actor=u, file=io.BytesIO(png(654_321))),
        Role.COLLECTOR,
        Status.REJECTED,
    ),
    "photo update": (
        lambda _, u, p: media_services.photo_update(photo=p, actor=u, caption="Fachada", position=1),
        Role.COLLECTOR,
        Status.REJECTED,
    ),
    "photo delete": (
        lambda _, u, p: media_services.photo_delete(photo=p, actor=u),
        Role.MANAGER,
        Status.DRAFT,
    ),
}


@pytest.mark.parametrize(("write", "role", "status"), WRITES.values(), ids=WRITES.keys())
def test_a_write_by_an_erased_user_is_refused_and_writes_nothing(
    write: Write, role: str, status: str
) -> None:
    actor = UserFactory(role=role)
    collector = actor if role == Role.COLLECTOR else UserFactory()
    real_estate = RealEstateFactory(collected_by=collector, status=status, photos=2)
    photo = Photo.objects.filter(real_estate=real_estate).order_by("position").first()
    UserFactory(role=Role.ADMIN)  # not the last active admin: an admin may be erased
    user_delete(user=User.objects.get(pk=actor.pk), actor=None)
    before = writes_on_record()

    with pytest.raises(errors.AuthenticationFailed):
        write(real_estate, actor, photo)

    assert writes_on_record() == before
