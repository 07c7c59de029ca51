"""Every write path records its sync changes and its audit event, as the API's do.

One cell per path outside the API (the admin's forms, inlines, actions and bulk deletes, the users
admin's renames and erasures, commands, the thumbnail task on a real worker), and the API's renames
(one's own and an admin's, which change the collector's real estates): a collector and a manager
who synced before the write each get the real estate it changed (an item, or a tombstone) exactly
once in the pages after it, end equal to the database, and the audit trail holds the write's event
with its actor. The API's own paths are in test_sync_api.py and tests/audit.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.media.models import Blob, Photo
from apps.media.services import photo_delete
from apps.real_estates.models import RealEstate, Status
from apps.users.models import Role, User
from tests.admin_pages import as_posted
from tests.conftest import bearer_client
from tests.media.factories import BlobFactory, PhotoFactory, png
from tests.real_estates.factories import RealEstateFactory
from tests.sync.helpers import SYNC_URL, Replica, create, database_versions
from tests.users.factories import UserFactory
from tests.worker import wait_result

pytestmark = pytest.mark.django_db(transaction=True)

REAL_ESTATES = "/admin/real_estates/realestate/"
USERS = "/admin/users/user/"
BLOBS = "/admin/media/blob/"


@dataclass
class World:
    ana: User  # the collector
    manager: User
    admin: User
    request: pytest.FixtureRequest


@dataclass
class Expected:
    """What a write must leave: the real estates it changed (`deleted`: as tombstones), whether the
    collector still syncs afterwards, and its audit event (None: a write that records none)."""

    changed: list[RealEstate]
    deleted: bool = False
    action: str | None = None
    actor: User | None = None
    collector_syncs: bool = True


Write = Callable[[], Any]


def staff_client(user: User) -> Client:
    """A browser as staff use it: CSRF checks on, the token taken from the cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    return client


def post(client: Client, url: str, data: dict[str, Any], *, expect: int = 302) -> Any:
    response = client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == expect, response.content.decode()[:2000]
    return response


def action(client: Client, url: str, name: str, *selected: Any, **extra: Any) -> Any:
    return post(client, url, {"action": name, "_selected_action": [str(s.pk) for s in selected], **extra})


# --- the paths: each sets up its state, then answers the write and what it must leave ---------


def admin_edit(w: World) -> tuple[Write, Expected]:
    draft = create(w.ana)
    client, url = staff_client(w.manager), f"{REAL_ESTATES}{draft.pk}/change/"
    return (
        lambda: post(client, url, {**as_posted(client.get(url)), "title": "Casa editada no admin"}),
        Expected([draft], action="real_estate.update", actor=w.manager),
    )


def admin_approve(w: World) -> tuple[Write, Expected]:
    submitted = RealEstateFactory(collected_by=w.ana, status=Status.SUBMITTED, photos=1)
    client = staff_client(w.manager)
    return (
        lambda: action(client, REAL_ESTATES, "approve_selected", submitted),
        Expected([submitted], action="real_estate.approve", actor=w.manager),
    )


def admin_reject(w: World) -> tuple[Write, Expected]:
    submitted = RealEstateFactory(collected_by=w.ana, status=Status.SUBMITTED, photos=1)
    client = staff_client(w.manager)
    return (
        lambda: action(
            client, REAL_ESTATES, "reject_selected", submitted, reject="Reject", reason="Fotos escuras"
        ),
        Expected([submitted], action="real_estate.reject", actor=w.manager),
    )


def admin_archive(w: World) -> tuple[Write, Expected]:
    approved = RealEstateFactory(collected_by=w.ana, status=Status.APPROVED, photos=1)
    client = staff_client(w.manager)
    return (
        lambda: action(client, REAL_ESTATES, "archive_selected", approved),
        Expected([approved], action="real_estate.archive", actor=w.manager),
    )


def admin_delete(w: World) -> tuple[Write, Expected]:
    draft = PhotoFactory(real_estate=create(w.ana)).real_estate  # its photo goes with it
    client = staff_client(w.admin)
    return (
        lambda: post(client, f"{REAL_ESTATES}{draft.pk}/delete/", {"post": "yes"}),
        Expected([draft], deleted=True, action="real_estate.delete", actor=w.admin),
    )


def admin_bulk_delete(w: World) -> tuple[Write, Expected]:
    doomed = [create(w.ana), RealEstateFactory(collected_by=w.ana, status=Status.APPROVED, photos=1)]
    client = staff_client(w.admin)
    return (
        lambda: action(client, REAL_ESTATES, "delete_selected", *doomed, post="yes"),
        Expected(doomed, deleted=True, action="real_estate.delete", actor=w.admin),
    )


def admin_photo_delete(w: World) -> tuple[Write, Expected]:
    draft = create(w.ana)
    PhotoFactory.create_batch(2, real_estate=draft)
    client, url = staff_client(w.manager), f"{REAL_ESTATES}{draft.pk}/change/"
    return (
        lambda: post(client, url, {**as_posted(client.get(url)), "photos-0-DELETE": "on"}),
        Expected([draft], action="photo.delete", actor=w.manager),
    )


def admin_edit_and_photo_delete(w: World) -> tuple[Write, Expected]:
    """One page saved: an edit and a photo's deletion, one transaction, one change to sync."""
    draft = create(w.ana)
    PhotoFactory.create_batch(2, real_estate=draft)
    client, url = staff_client(w.manager), f"{REAL_ESTATES}{draft.pk}/change/"
    return (
        lambda: post(
            client, url, {**as_posted(client.get(url)), "title": "Casa sem a foto", "photos-0-DELETE": "on"}
        ),
        Expected([draft], action="photo.delete", actor=w.manager),
    )


def admin_page_with_every_change(w: World) -> tuple[Write, Expected]:
    """One page saved with an edit, a caption, a move and a deletion: four service calls, one
    transaction, one change to sync, an event each."""
    draft = create(w.ana)
    PhotoFactory.create_batch(3, real_estate=draft)
    client, url = staff_client(w.manager), f"{REAL_ESTATES}{draft.pk}/change/"
    changes = {
        "title": "Casa revista",
        "photos-0-DELETE": "on",
        "photos-1-caption": "Sala",
        "photos-2-order": "1",
    }

    def write() -> None:
        before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        post(client, url, {**as_posted(client.get(url)), **changes})
        recorded = AuditEvent.objects.filter(id__gt=before).values_list("action", flat=True)
        assert sorted(recorded) == ["photo.caption", "photo.delete", "photo.reorder", "real_estate.update"]

    return write, Expected([draft], action="photo.caption", actor=w.manager)


def api_photo_on_rejected(w: World) -> tuple[Write, Expected]:
    """A collector's upload to a rejected real estate also makes it a draft again: one transaction."""
    rejected = RealEstateFactory(collected_by=w.ana, status=Status.REJECTED, photos=1)
    client = bearer_client(w.ana)
    url = reverse("real-estate-photos", kwargs={"real_estate_id": rejected.pk})
    upload = SimpleUploadedFile("b.png", png(4242), content_type="image/png")

    def write() -> None:
        assert client.post(url, {"file": upload}, format="multipart").status_code == 201

    return write, Expected([rejected], action="photo.add", actor=w.ana)


def admin_photo_reorder(w: World) -> tuple[Write, Expected]:
    draft = create(w.ana)
    PhotoFactory.create_batch(2, real_estate=draft)
    client, url = staff_client(w.manager), f"{REAL_ESTATES}{draft.pk}/change/"
    return (
        lambda: post(client, url, {**as_posted(client.get(url)), "photos-1-order": "1"}),
        Expected([draft], action="photo.reorder", actor=w.manager),
    )


def admin_photo_caption(w: World) -> tuple[Write, Expected]:
    draft = create(w.ana)
    PhotoFactory.create_batch(2, real_estate=draft)
    client, url = staff_client(w.manager), f"{REAL_ESTATES}{draft.pk}/change/"
    return (
        lambda: post(client, url, {**as_posted(client.get(url)), "photos-1-caption": "Quintal"}),
        Expected([draft], action="photo.caption", actor=w.manager),
    )


def api_own_rename(w: World) -> tuple[Write, Expected]:
    """`PATCH /users/me` with a new name: the list items of the collector's real estates show it."""
    owned = [create(w.ana), RealEstateFactory(collected_by=w.ana, status=Status.APPROVED, photos=1)]
    client = bearer_client(w.ana)

    def write() -> None:
        response = client.patch("/api/v1/users/me", {"name": "Ana Renomeada na API"}, format="json")
        assert response.status_code == 200, response.content

    return write, Expected(owned, action="user.update", actor=w.ana)


def api_admin_rename(w: World) -> tuple[Write, Expected]:
    owned = [create(w.ana)]
    client = bearer_client(w.admin)

    def write() -> None:
        response = client.patch(
            f"/api/v1/users/{w.ana.pk}", {"name": "Ana Renomeada pelo Admin"}, format="json"
        )
        assert response.status_code == 200, response.content

    return write, Expected(owned, action="user.update", actor=w.admin)


def admin_user_rename(w: World) -> tuple[Write, Expected]:
    owned = create(w.ana)
    client, url = staff_client(w.admin), f"{USERS}{w.ana.pk}/change/"
    return (
        lambda: post(client, url, {**as_posted(client.get(url)), "name": "Ana Renomeada no Admin"}),
        Expected([owned], action="user.update", actor=w.admin),
    )


def admin_user_delete(w: World) -> tuple[Write, Expected]:
    owned = [create(w.ana), RealEstateFactory(collected_by=w.ana, status=Status.APPROVED, photos=1)]
    client = staff_client(w.admin)
    return (
        lambda: post(client, f"{USERS}{w.ana.pk}/delete/", {"post": "yes"}),
        Expected(owned, action="user.delete", actor=w.admin, collector_syncs=False),
    )


def admin_user_bulk_delete(w: World) -> tuple[Write, Expected]:
    owned = [create(w.ana)]
    client = staff_client(w.admin)
    return (
        lambda: action(client, USERS, "delete_selected", w.ana, post="yes"),
        Expected(owned, action="user.delete", actor=w.admin, collector_syncs=False),
    )


def admin_user_deactivate(w: World) -> tuple[Write, Expected]:
    """Their real estates stay as they are (the manager's sync has nothing new); they sync no more."""
    create(w.ana)
    client = staff_client(w.admin)
    return (
        lambda: action(client, USERS, "deactivate_selected", w.ana),
        Expected([], action="user.deactivate", actor=w.admin, collector_syncs=False),
    )


def api_own_erasure(w: World) -> tuple[Write, Expected]:
    owned = [create(w.ana)]
    client = bearer_client(w.ana)
    return (
        lambda: client.delete("/api/v1/users/me"),
        Expected(owned, action="user.delete", actor=None, collector_syncs=False),
    )


def api_admin_erasure(w: World) -> tuple[Write, Expected]:
    owned = [create(w.ana), RealEstateFactory(collected_by=w.ana, status=Status.APPROVED, photos=1)]
    client = bearer_client(w.admin)

    def write() -> None:
        assert client.delete(f"/api/v1/users/{w.ana.pk}").status_code == 204

    return write, Expected(owned, action="user.delete", actor=w.admin, collector_syncs=False)


def _pending_cover(w: World) -> RealEstate:
    """A real estate whose cover's thumbnail is not made yet (its task was never queued: the broker
    was down at the upload)."""
    real_estate = PhotoFactory(real_estate=create(w.ana), blob=BlobFactory()).real_estate
    real_estate.refresh_from_db()
    assert not real_estate.cover_key
    return real_estate


def command_rebuild_thumbnails(w: World) -> tuple[Write, Expected]:
    real_estate = _pending_cover(w)
    return lambda: call_command("rebuild_thumbnails", verbosity=0), Expected([real_estate])


def admin_rebuild_thumbnails(w: World) -> tuple[Write, Expected]:
    real_estate = _pending_cover(w)
    blob = Photo.objects.get(real_estate=real_estate).blob
    client = staff_client(w.admin)
    return lambda: action(client, BLOBS, "rebuild_thumbnails", blob), Expected([real_estate])


def command_gc_media(w: World) -> tuple[Write, Expected]:
    """The collector takes only blobs no photo references: the one a photo deletion left changes
    no real estate (the deletion was the change, synced before)."""
    photo = PhotoFactory(real_estate=create(w.ana))
    photo_delete(photo=photo, actor=w.ana)

    def collect() -> None:
        call_command("gc_media", "--grace", "0", verbosity=0)
        assert not Blob.objects.filter(pk=photo.blob_id).exists()

    return collect, Expected([])


def command_gc_media_repairs_a_cover(w: World) -> tuple[Write, Expected]:
    """A cover whose copy of its thumbnail's key never landed (ADR 0118) is put right by the
    collector's run: a change of that real estate (its `cover`), with no audit event (no edit)."""
    real_estate = PhotoFactory(real_estate=create(w.ana)).real_estate
    assert real_estate.cover_key
    RealEstate.objects.filter(pk=real_estate.pk).update(cover_key="")

    def collect() -> None:
        call_command("gc_media", "--grace", "0", verbosity=0)
        real_estate.refresh_from_db()
        assert real_estate.cover_key

    return collect, Expected([real_estate])


def worker_generate_thumbnails(w: World) -> tuple[Write, Expected]:
    worker = w.request.getfixturevalue("worker")
    w.request.getfixturevalue("use_worker_media")
    real_estate = _pending_cover(w)
    blob_id = Photo.objects.get(real_estate=real_estate).blob_id
    return (
        lambda: wait_result(worker.send_task("apps.media.tasks.generate_thumbnails", args=[blob_id])),
        Expected([real_estate]),
    )


PATHS = [
    admin_edit,
    admin_approve,
    admin_reject,
    admin_archive,
    admin_delete,
    admin_bulk_delete,
    admin_photo_delete,
    admin_photo_reorder,
    admin_photo_caption,
    admin_edit_and_photo_delete,
    admin_page_with_every_change,
    api_photo_on_rejected,
    admin_user_rename,
    api_own_rename,
    api_admin_rename,
    admin_user_delete,
    admin_user_bulk_delete,
    admin_user_deactivate,
    api_own_erasure,
    api_admin_erasure,
    admin_rebuild_thumbnails,
    command_rebuild_thumbnails,
    command_gc_media,
    command_gc_media_repairs_a_cover,
    pytest.param(worker_generate_thumbnails, marks=pytest.mark.redis),
]


def changes_after(replica: Replica, client: APIClient) -> Counter[tuple[str, bool]]:
    """Every result of the pages up to the end, counted: (id, deleted)."""
    seen: Counter[tuple[str, bool]] = Counter()
    while True:
        body = replica.pull(client, limit=1)
        seen.update((r["id"], bool(r.get("deleted"))) for r in body["results"])
        if not body["has_more"]:
            return seen


@pytest.mark.parametrize("path", PATHS)
def test_a_write_reaches_every_sync_once_with_its_audit_event(
    path: Callable[[World], tuple[Write, Expected]], request: pytest.FixtureRequest
) -> None:
    world = World(
        ana=UserFactory(role=Role.COLLECTOR),
        manager=UserFactory(role=Role.MANAGER),
        admin=UserFactory(role=Role.ADMIN),
        request=request,
    )
    write, expected = path(world)
    readers = {
        "manager": (Replica(), bearer_client(world.manager)),
        "collector": (Replica(), bearer_client(world.ana)),
    }
    for replica, client in readers.values():
        replica.drain(client)
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    write()

    if not expected.collector_syncs:
        # Deactivated or erased: their cursor is refused, not answered with everything they hold
        # as tombstones (they see nothing now).
        replica, client = readers.pop("collector")
        response = client.get(SYNC_URL, {"cursor": replica.cursor})
        assert response.status_code == 401, response.content

    want = Counter({(str(r.pk), expected.deleted): 1 for r in expected.changed})
    for who, (replica, client) in readers.items():
        assert changes_after(replica, client) == want, who
        assert replica.versions() == database_versions(world.manager if who == "manager" else world.ana)
    events = AuditEvent.objects.filter(id__gt=last_event)
    if expected.action is None:
        assert not events.exists()
    else:
        recorded = events.filter(action=expected.action)
        assert recorded.exists(), list(events.values_list("action", flat=True))
        assert {event.actor_id for event in recorded} == {getattr(expected.actor, "pk", None)}


def test_a_refused_bulk_erasure_leaves_no_change_and_no_event() -> None:
    """The users admin's bulk delete is all or nothing: the first account of the selection is erased
    (its real estates recorded as changes, its events written) before the acting admin's own
    account is refused; nothing of the first stays, in the sync or in the audit trail."""
    ana = UserFactory(role=Role.COLLECTOR, name="Ana Primeira")
    admin = UserFactory(role=Role.ADMIN, name="Zeca Administrador")
    UserFactory(role=Role.ADMIN)  # not the last active admin: refused as their own account
    manager = UserFactory(role=Role.MANAGER)
    owned = create(ana)
    readers = [(Replica(), bearer_client(who)) for who in (manager, ana)]
    for replica, client in readers:
        replica.drain(client)
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    response = action(staff_client(admin), USERS, "delete_selected", ana, admin, post="yes")

    assert "own account" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert User.objects.filter(pk=ana.pk).exists()
    for replica, client in readers:
        assert changes_after(replica, client) == Counter()
    assert not AuditEvent.objects.filter(id__gt=last_event).exists()
    assert str(owned.pk) in readers[1][0].items


def test_a_collector_reactivated_in_the_admin_gets_what_changed_while_they_were_away() -> None:
    ana, manager, admin = (UserFactory(role=role) for role in (Role.COLLECTOR, Role.MANAGER, Role.ADMIN))
    submitted = RealEstateFactory(collected_by=ana, status=Status.SUBMITTED, photos=1)
    replica = Replica()
    replica.drain(bearer_client(ana))
    staff = staff_client(admin)
    action(staff, USERS, "deactivate_selected", ana)
    action(staff_client(manager), REAL_ESTATES, "approve_selected", submitted)
    action(staff, USERS, "activate_selected", ana)

    assert changes_after(replica, bearer_client(ana)) == Counter({(str(submitted.pk), False): 1})
    assert replica.items[str(submitted.pk)]["status"] == Status.APPROVED


@pytest.mark.parametrize("path", ["form", "bulk action"])
def test_a_role_change_in_the_admin_expires_the_cursor_and_is_recorded(path: str) -> None:
    """A collector made a manager in the users admin (its change form, or the bulk role action)
    now sees every real estate: their cursor, issued for their own, is a 410 (not a page missing
    everyone else's), a fresh sync hands them all; their real estates did not change (a manager's
    sync has nothing new); the role change is an event of the acting admin."""
    ana, manager, admin = (UserFactory(role=role) for role in (Role.COLLECTOR, Role.MANAGER, Role.ADMIN))
    create(ana)
    others = create(UserFactory(role=Role.COLLECTOR))
    mine, theirs = (Replica(), bearer_client(ana)), (Replica(), bearer_client(manager))
    for replica, client in (mine, theirs):
        replica.drain(client)
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    staff = staff_client(admin)

    if path == "form":
        url = f"{USERS}{ana.pk}/change/"
        post(staff, url, {**as_posted(staff.get(url)), "role": Role.MANAGER})
    else:
        action(staff, USERS, "change_role_of_selected", ana, role=Role.MANAGER)

    ana.refresh_from_db()
    assert ana.role == Role.MANAGER
    response = bearer_client(ana).get(SYNC_URL, {"cursor": mine[0].cursor})
    assert response.status_code == 410, response.content
    assert response.json()["error"]["code"] == "SYNC_CURSOR_EXPIRED"
    fresh = Replica()
    fresh.drain(bearer_client(ana))
    assert str(others.pk) in fresh.items
    assert changes_after(*theirs) == Counter()
    [event] = AuditEvent.objects.filter(id__gt=last_event)
    assert (event.action, event.actor_id, event.changes["role"]) == (
        "user.role_change",
        admin.pk,
        [Role.COLLECTOR, Role.MANAGER],
    )
