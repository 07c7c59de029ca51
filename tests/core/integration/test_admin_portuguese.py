"""The admin speaks Portuguese throughout to a pt-BR browser: app, model and field names, choice
labels, and the words of Django's own that its pt_BR catalog lacks. English stays the default."""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from itertools import permutations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst

from apps.audit.models import AuditEvent
from apps.media.models import Blob
from apps.real_estates.models import Status
from apps.users.models import Role, User
from tests.admin_pages import as_posted
from tests.audit.factories import AuditEventFactory
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

# Written the same in both languages: no translation can tell them apart.
SAME_IN_BOTH = {"CEP", "CPF", "UF", "SHA-256", "Id", "ID", "Latitude", "Longitude", "Blob", "Blobs", "Rural"}


def _models_staff_see() -> Iterator[type[models.Model]]:
    """Every model with an admin page, and every model shown inline on one."""
    for model in apps.get_models():
        if admin.site.is_registered(model):
            yield model
            yield from (inline.model for inline in admin.site.get_model_admin(model).inlines)


def _names(model: type[models.Model]) -> Iterator[str]:
    """What the admin prints of a model, in the active language: its names, its app's, its fields'
    and their choices'."""
    meta = model._meta
    names = [apps.get_app_config(meta.app_label).verbose_name, meta.verbose_name, meta.verbose_name_plural]
    for field in meta.get_fields():
        if isinstance(field, models.Field) and field.concrete:
            names.append(field.verbose_name)
            names.extend(label for _, label in field.choices or ())
    return (str(capfirst(name)) for name in names)  # text now, not a translation made later


def _english_names() -> set[str]:
    with translation.override("en"):
        return {name for model in _models_staff_see() for name in _names(model)} - SAME_IN_BOTH


class _Text(HTMLParser):
    """The text a page shows: its text nodes (not scripts or styles), each stripped of a label's colon."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.nodes: set[str] = set()
        self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.nodes.add(data.strip().removesuffix(":"))


def _pages(staff: User) -> dict[str, str]:
    """Every kind of admin page staff open, as `staff` sees it with a pt-BR browser."""
    draft = RealEstateFactory(status=Status.DRAFT, photos=1)
    submitted = RealEstateFactory(status=Status.SUBMITTED)
    other = UserFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(staff)
    urls = [
        "/admin/",
        "/admin/dashboard/",
        "/admin/real_estates/",
        "/admin/real_estates/realestate/",
        "/admin/real_estates/realestate/?status__exact=submitted",
        f"/admin/real_estates/realestate/{draft.pk}/change/",
        f"/admin/real_estates/realestate/{submitted.pk}/change/",
        "/admin/media/blob/",
        f"/admin/media/blob/{Blob.objects.order_by('pk')[0].pk}/change/",
        "/admin/users/user/",
        f"/admin/users/user/{other.pk}/change/",
        "/admin/users/user/add/",
        f"/admin/users/user/{other.pk}/password/",
        "/admin/audit/auditevent/",
        f"/admin/audit/auditevent/{AuditEvent.objects.order_by('pk')[0].pk}/change/",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:  # a manager may not open every page
            pages[url] = response.content.decode()
    reject = {"action": "reject_selected", "_selected_action": [str(submitted.pk)]}
    pages["reject"] = client.post("/admin/real_estates/realestate/", reject).content.decode()
    return pages


def test_every_name_staff_read_in_the_admin_has_its_portuguese() -> None:
    english = _english_names()
    with translation.override("pt-br"):
        portuguese = {name for model in _models_staff_see() for name in _names(model)}

    assert english & portuguese == set()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_no_page_of_the_admin_shows_an_english_name_to_a_portuguese_browser(role: Role) -> None:
    english = _english_names()

    pages = _pages(UserFactory(role=role))

    assert "/admin/real_estates/realestate/" in pages  # a manager's pages are checked too
    for url, html in pages.items():
        assert _Text(html).nodes & english == set(), url


def test_the_admin_speaks_portuguese_where_django_has_no_portuguese_of_its_own() -> None:
    pages = _pages(UserFactory(role=Role.ADMIN))
    change = next(html for url, html in pages.items() if url.endswith("/change/") and "realestate" in url)
    password = next(html for url, html in pages.items() if url.endswith("/password/"))

    assert ">- Selecione uma opção -</option>" in change
    assert "Filtrar por criado em" in pages["/admin/real_estates/realestate/"]
    assert "Se este usuário conseguirá autenticar usando uma senha ou não." in password
    assert '<li class="warning">Se desabilitada, a senha atual deste usuário será perdida.</li>' in password


def test_english_stays_the_default() -> None:
    real_estate = RealEstateFactory(status=Status.DRAFT)
    other = UserFactory()
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN))

    change = client.get(f"/admin/real_estates/realestate/{real_estate.pk}/change/").content.decode()
    password = client.get(f"/admin/users/user/{other.pk}/password/").content.decode()

    for words in (
        "Change real estate",
        "Title:",
        "Parking spaces:",
        ">Land</option>",
        ">- Select an option -</option>",
    ):
        assert words in change, words
    assert (
        '<li class="warning">If disabled, the current password for this user will be lost.</li>' in password
    )


def test_the_admin_names_an_erased_person_in_portuguese() -> None:
    """The words that stand for an erased person: the message of their account's deletion, and
    the actor of the audit events they made."""
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(UserFactory(role=Role.ADMIN))
    AuditEventFactory(actor=None, actor_erased=True)

    deleted = client.post(f"/admin/users/user/{UserFactory().pk}/delete/", {"post": "yes"}, follow=True)
    events = client.get("/admin/audit/auditevent/").content.decode()

    assert [str(m) for m in deleted.context["messages"]] == [
        "O usuário “(dados pessoais apagados)” foi removido com sucesso."
    ]
    assert '<td class="field-actor_display">usuário excluído</td>' in events


def _history(client: Client, url: str) -> str:
    """The text of the history of the object whose change page is `url`."""
    page = client.get(url.replace("/change/", "/history/")).content.decode()
    return " ".join(_Text(page[page.index('id="change-history"') :]).nodes)


def test_the_history_names_the_fields_a_change_touched_in_portuguese() -> None:
    """Django keeps each changed field's label in English ("Parking spaces") and translates it
    when the history is shown."""
    real_estate = RealEstateFactory(status=Status.DRAFT, photos=1, kind="house", purpose="sale")
    user = UserFactory(role=Role.COLLECTOR)
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(UserFactory(role=Role.ADMIN))
    real_estate_url = f"/admin/real_estates/realestate/{real_estate.pk}/change/"
    user_url = f"/admin/users/user/{user.pk}/change/"
    changes = {
        "title": "Casa nova",
        "description": "Reformada.",
        "kind": "apartment",
        "purpose": "rent",
        "price": "1234.00",
        "area_m2": "99.00",
        "bedrooms": "7",
        "bathrooms": "7",
        "parking_spaces": "7",
        "zip_code": "01310100",
        "street": "Avenida Paulista",
        "number": "1000",
        "complement": "Apto 7",
        "neighborhood": "Bela Vista",
        "city": "São Paulo",
        "state": "SP",
        "latitude": "-23.561414",
        "longitude": "-46.655881",
        "photos-0-caption": "Fachada",
    }

    edited = client.post(real_estate_url, {**as_posted(client.get(real_estate_url)), **changes})
    renamed = client.post(
        user_url,
        {"name": "Nome Novo", "email": "novo@example.com.br", "role": Role.MANAGER},  # and no longer active
    )

    assert (edited.status_code, renamed.status_code) == (302, 302)
    english = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in _english_names()))
    for url in (real_estate_url, user_url):
        history = _history(client, url)
        assert "Alterado" in history, url
        assert english.findall(history) == [], url


def test_the_signed_out_page_speaks_portuguese() -> None:
    """Its breadcrumb is one more of Django's words its pt_BR lacks ("Logout")."""
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(UserFactory(role=Role.MANAGER))

    page = client.post("/admin/logout/").content.decode()

    assert '<li aria-current="page">Encerrar sessão</li>' in page


@pytest.mark.parametrize(("old", "new"), list(permutations(Role, 2)))
def test_a_role_change_reads_in_the_readers_language_in_the_history(old: Role, new: Role) -> None:
    """The users admin stores "role: collector → manager" in English, as Django stores a field's
    label, and the history translates it for whoever reads it."""
    user, admin_user = UserFactory(role=old), UserFactory(role=Role.ADMIN)
    portuguese, english = Client(HTTP_ACCEPT_LANGUAGE="pt-BR"), Client(HTTP_ACCEPT_LANGUAGE="en")
    for client in (portuguese, english):
        client.force_login(admin_user)
    url = f"/admin/users/user/{user.pk}/change/"
    posted = {"name": user.name, "email": user.email, "role": new, "is_active": "on"}

    assert portuguese.post(url, posted).status_code == 302
    with translation.override("pt-br"):
        in_portuguese = f"papel: {old.label.lower()} → {new.label.lower()}"
    in_english = f"role: {old.value} → {new.value}"
    assert in_portuguese in _history(portuguese, url)
    assert in_english not in _history(portuguese, url)
    assert in_english in _history(english, url)


def test_a_deletion_lists_the_steps_of_a_real_estates_history_in_the_readers_language() -> None:
    """What a real estate's deletion takes along includes its history: each step reads in the
    page's language."""
    real_estate = RealEstateFactory(status=Status.REJECTED)
    admin_user = UserFactory(role=Role.ADMIN)
    url = f"/admin/real_estates/realestate/{real_estate.pk}/delete/"
    pages = {}
    for language in ("pt-BR", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(admin_user)
        pages[language] = client.get(url).content.decode()

    assert "Transição do imóvel: rascunho → enviado" in pages["pt-BR"]
    assert "Transição do imóvel: enviado → rejeitado" in pages["pt-BR"]
    assert "Real estate transition: draft → submitted" in pages["en"]
    assert "Real estate transition: submitted → rejected" in pages["en"]


@pytest.mark.parametrize(("count", "names"), [(1, "imóvel"), (2, "imóveis")])
def test_a_bulk_deletion_asks_in_portuguese_that_agrees_with_the_selection(count: int, names: str) -> None:
    """Django's pt_BR asks "remover o %(objects_name)s selecionado", in the singular whatever the
    selection: "o imóveis selecionado" for two."""
    real_estates = [RealEstateFactory(status=Status.DRAFT) for _ in range(count)]
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(UserFactory(role=Role.ADMIN))

    page = client.post(
        "/admin/real_estates/realestate/",
        {"action": "delete_selected", "_selected_action": [r.pk for r in real_estates]},
    ).content.decode()

    assert f"Tem certeza de que deseja remover a seleção ({names})?" in page
    assert "selecionado?" not in page
