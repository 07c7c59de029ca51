"""A text with nothing a reader sees (zero-width and other invisible characters, combining marks
alone) is an empty one (docs/adr/0094-invisible-text-is-empty.md): a real estate's required
title, street and city refuse it, as a rejection's reason does, in the API and the admin alike;
an optional text (description, number, complement, neighborhood, a photo's caption) stores it as
`""`, as it stores whitespace alone. Accents written as combining marks are text."""

import unicodedata
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.core import errors
from apps.media.models import Photo
from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url, post_photo
from tests.real_estates.conftest import MakeRealEstate
from tests.real_estates.helpers import CHANGELIST, URL, payload, post_change_form

pytestmark = pytest.mark.django_db

INVISIBLE = [
    pytest.param("\u200b", id="zero-width-space"),
    pytest.param("\u2060\u2060", id="word-joiners"),
    pytest.param("\ufeff", id="byte-order-mark"),
    pytest.param(" \u200b\u200c\u200d\u200e ", id="invisible-among-spaces"),
    pytest.param("\u0301\u0303", id="combining-marks-alone"),
    pytest.param("\u3164", id="hangul-filler"),
]
REQUIRED = [("title",), ("address", "street"), ("address", "city")]
OPTIONAL = [("description",), ("address", "number"), ("address", "complement"), ("address", "neighborhood")]


def body_with(path: tuple[str, ...], value: str) -> dict[str, Any]:
    return payload(**({path[0]: value} if len(path) == 1 else {"address": {path[1]: value}}))


def refused_fields(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    fields: dict[str, Any] = error["fields"]
    return fields


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", INVISIBLE)
@pytest.mark.parametrize("path", REQUIRED, ids="/".join)
def test_a_required_text_of_nothing_visible_is_blank(
    collector_client: APIClient, path: tuple[str, ...], value: str
) -> None:
    fields = refused_fields(collector_client.post(URL, body_with(path, value), format="json"))
    node = fields if len(path) == 1 else fields["address"]
    assert [item["code"] for item in node[path[-1]]] == ["blank"]
    assert not RealEstate.objects.exists()


@pytest.mark.parametrize("path", REQUIRED, ids="/".join)
def test_an_edit_cannot_make_a_required_text_invisible(
    collector_client: APIClient, make_real_estate: MakeRealEstate, path: tuple[str, ...]
) -> None:
    real_estate = make_real_estate()
    change = {path[0]: "\u200b\u2060"} if len(path) == 1 else {"address": {path[1]: "\ufeff"}}
    fields = refused_fields(collector_client.patch(f"{URL}/{real_estate.pk}", change, format="json"))
    node = fields if len(path) == 1 else fields["address"]
    assert [item["code"] for item in node[path[-1]]] == ["blank"]
    real_estate.refresh_from_db()
    assert real_estate.version == 1


@pytest.mark.parametrize("path", OPTIONAL, ids="/".join)
def test_an_optional_text_of_nothing_visible_is_stored_empty(
    collector_client: APIClient, path: tuple[str, ...]
) -> None:
    response = collector_client.post(URL, body_with(path, "\u200b\u0301"), format="json")
    assert response.status_code == 201, response.content
    assert getattr(RealEstate.objects.get(), path[-1]) == ""


def test_texts_whose_accents_are_combining_marks_are_taken_as_sent(collector_client: APIClient) -> None:
    title, city = unicodedata.normalize("NFD", "Casa em Niterói"), unicodedata.normalize("NFD", "Jaú")
    response = collector_client.post(URL, payload(title=title, address={"city": city}), format="json")
    assert response.status_code == 201, response.content
    real_estate = RealEstate.objects.get()
    assert (real_estate.title, real_estate.city) == (title, city)


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_rejection_needs_a_reason_a_reader_sees(
    manager_client: APIClient, make_real_estate: MakeRealEstate, value: str
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    response = manager_client.post(f"{URL}/{real_estate.pk}/reject", {"reason": value}, format="json")
    assert refused_fields(response) == {
        "reason": [
            {
                "code": errors.REJECTION_REASON_REQUIRED.code,
                "message": str(errors.REJECTION_REASON_REQUIRED.message),
            }
        ]
    }
    real_estate.refresh_from_db()
    assert real_estate.status == Status.SUBMITTED


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_photo_caption_of_nothing_visible_is_no_caption(
    collector_client: APIClient, make_real_estate: MakeRealEstate, value: str
) -> None:
    draft = make_real_estate()
    uploaded = post_photo(collector_client, draft, samples.image_bytes("PNG"), caption=value)
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["caption"] == ""

    photo_id = uploaded.json()["id"]
    assert (
        collector_client.patch(photos_url(draft, photo_id), {"caption": "Sala"}).json()["caption"] == "Sala"
    )
    patched = collector_client.patch(photos_url(draft, photo_id), {"caption": value}, format="json")
    assert patched.status_code == 200, patched.content
    assert Photo.objects.get(pk=photo_id).caption == ""


# --- the Django admin ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", INVISIBLE)
@pytest.mark.parametrize("field", ["title", "street", "city"])
def test_the_admin_refuses_a_required_text_of_nothing_visible(
    admin_user: User, make_real_estate: MakeRealEstate, field: str, value: str
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate()
    response = post_change_form(client, real_estate, **{field: value})
    assert response.status_code == 200
    errors_by_field = response.context["adminform"].form.errors.as_data()
    assert {name: [e.code for e in items] for name, items in errors_by_field.items()} == {field: ["required"]}
    real_estate.refresh_from_db()
    assert real_estate.version == 1


def test_the_admin_stores_an_optional_text_of_nothing_visible_as_empty(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(description="Casa térrea")
    response = post_change_form(client, real_estate, description="\u200b\u2060")
    assert response.status_code == 302, response.context["adminform"].form.errors
    real_estate.refresh_from_db()
    assert real_estate.description == ""


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_admins_rejection_needs_a_reason_a_reader_sees(
    manager: User, make_real_estate: MakeRealEstate, value: str
) -> None:
    client = Client()
    client.force_login(manager)
    real_estate = make_real_estate(status=Status.SUBMITTED)
    response = client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": [str(real_estate.pk)],
            "reject": "Reject",
            "reason": value,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["reason"]] == ["required"]
    real_estate.refresh_from_db()
    assert (real_estate.status, real_estate.rejection_reason) == (Status.SUBMITTED, "")


def shown(form: Any, name: str) -> Any:
    value = form[name].value()
    return "" if value is None else value


def test_the_admins_photo_inline_stores_a_caption_of_nothing_visible_as_empty(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(photos=1)
    photo = Photo.objects.get(real_estate=real_estate)
    Photo.objects.filter(pk=photo.pk).update(caption="Fachada")  # a caption to lose
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    page = client.get(url).context
    form = page["adminform"].form
    data = {name: shown(form, name) for name in form.fields}
    data.update({"transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})
    [photos] = [inline.formset for inline in page["inline_admin_formsets"] if inline.formset.model is Photo]
    data.update(
        {
            photos.management_form.add_prefix(name): value
            for name, value in photos.management_form.initial.items()
        }
    )
    [photo_form] = photos.forms
    data.update({photo_form.add_prefix(name): shown(photo_form, name) for name in photo_form.fields})
    data[photo_form.add_prefix("caption")] = "\u200b\u2060"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo.refresh_from_db()
    assert photo.caption == ""
