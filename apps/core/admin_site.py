"""The staff's admin site: Vivenda's branding, the CPF sign-in form, the review dashboard, and
the changelist every model admin uses (`GuardedChangeListMixin`).

The sign-in form takes a CPF as people type it (`529.982.247-25` or digits) and is braked
by the same throttles as `POST /api/v1/sign-in`, counted in the same buckets and checked
before any password is hashed, so the admin is no side door for guessing passwords.
"""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from apps.core import errors
from apps.users.cpf import normalize_cpf
from apps.users.throttling import SignInCpfThrottle, SignInIpThrottle
from apps.users.validators import PASSWORD_MAX_LENGTH

if TYPE_CHECKING:
    from django.db.models import Field

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

INVALID_SETUP_TEMPLATE = "admin/invalid_setup.html"  # Django's "Database error" page

CPF_INPUT_MAX_LENGTH = 20  # a formatted CPF is 14 characters; leave room for stray spaces

DJANGO_STRINGS_MISSING_IN_PT_BR = (
    gettext_noop("- Select an option -"),  # the blank choice of every choice field (a kind, a role)
    gettext_noop("Filter by %(field_name)s"),  # the date hierarchy above a changelist
    gettext_noop("Logout"),  # the signed-out page's breadcrumb
)
"""Django's own words on our admin screens that its pt_BR catalog lacks (Django 6.1): named here
so that `make messages` puts them in ours (apps/core/locale), which LOCALE_PATHS reads first."""

DJANGO_STRINGS_MISWORDED_IN_PT_BR = (
    # The bulk delete's question: Django's pt_BR reads "remover o %(objects_name)s selecionado",
    # singular whatever the selection ("o imóveis selecionado"); ours agrees with any count.
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects "
        "and their related items will be deleted:"
    ),
)
"""Django's own words whose pt_BR translation reads wrong on our screens: ours replaces it (same
catalog order as above)."""

DJANGO_MONTHS_CAPITALISED_IN_PT_BR = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
"""Django's pt_BR capitalises the months inside a date ("5 de Dezembro de 2026"); Brazilian
Portuguese writes them in lower case, as ours does (docs/adr/0138)."""

DRF_STRINGS_MISSING_IN_PT_BR = (
    gettext_noop("Integer value too large to convert to float"),  # a coordinate of 400 digits
)
DRF_STRINGS_MISWORDED_IN_PT_BR = (
    # DRF's pt_BR says "pode não estar em branco / ser nulo" ("might not be"), the opposite of a
    # requirement, and misspells "Certifique-se" (docs/adr/0138).
    gettext_noop("This field may not be blank."),
    gettext_noop("This field may not be null."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
)
"""DRF's words our API answers that its pt_BR catalog lacks or words wrong: named here so that
`make messages` keeps ours."""


class _SignInAttempt(Request):
    """An admin form post as the API's sign-in throttles read a request: the client's
    address from the request itself, the account from `data["cpf"]`."""

    def __init__(self, request: HttpRequest, cpf: str) -> None:
        super().__init__(request)
        self._cpf = cpf

    @property
    def data(self) -> dict[str, str]:
        return {"cpf": self._cpf}


def sign_in_allowed(request: HttpRequest, cpf: str) -> bool:
    """Counts one sign-in attempt in the API's per-IP and per-CPF buckets; False when either
    is over its rate. Every throttle counts the attempt, as DRF's `check_throttles` does."""
    attempt = _SignInAttempt(request, cpf)
    throttles: list[BaseThrottle] = [SignInIpThrottle(), SignInCpfThrottle()]
    view = APIView()  # the throttles read nothing from it
    allowed = [throttle.allow_request(attempt, view) for throttle in throttles]  # each one counts
    return all(allowed)


class AdminLoginForm(AdminAuthenticationForm):
    """Django's admin sign-in, taking a formatted CPF, braked and bounded like the API's sign-in."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": errors.Throttled.default_message,
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        assert isinstance(username, forms.CharField)  # noqa: S101 - AuthenticationForm's own field
        username.max_length = CPF_INPUT_MAX_LENGTH
        username.widget.attrs["maxlength"] = CPF_INPUT_MAX_LENGTH
        # As the API's sign-in: a longer one is refused before any hash (no widget maxlength, which
        # would cut what a browser user types or pastes without a word).
        self.fields["password"].validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))

    def clean_username(self) -> str:
        return normalize_cpf(str(self.cleaned_data.get("username") or ""))

    def clean(self) -> dict[str, Any]:
        cpf = self.cleaned_data.get("username")
        if self.request is not None and cpf and not sign_in_allowed(self.request, cpf):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()


class VivendaAdminSite(admin.AdminSite):
    site_header = "Vivenda"
    site_url = "/api/v1/docs"  # "View site": the API's documentation, the rest of Vivenda
    site_title = "Vivenda"
    index_title = _("Site administration")
    login_form = AdminLoginForm

    def admin_view[V: Callable[..., Any]](self, view: V, cacheable: bool = False) -> V:
        """Every admin page (the model admins' included) answers two kinds of crafted input with
        a 400 where Django would answer a 500: a NUL character in the query string (changelists
        pass filter values to the database unchecked, and PostgreSQL takes no NUL in a text), and
        a value a model field refuses outside any form (an action posted with a selected id that
        is no UUID: Django filters by it as it is). Forms already report their own."""
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def refusing_crafted_input(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
                raise SuspiciousOperation("A NUL character in an admin page's query string.")
            try:
                return guarded(request, *args, **kwargs)
            except ValidationError as exc:
                raise SuspiciousOperation(f"An admin request with an invalid value: {exc.messages}") from exc

        return cast(V, refusing_crafted_input)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls: list[URLPattern | URLResolver] = [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            path("logout/", self.admin_view(self.logout_view), name="logout"),
        ]
        return urls + super().get_urls()

    def logout_view(self, request: HttpRequest) -> HttpResponse:
        """Django signs out on a POST only (the header's "Log out" button) and answered the
        address opened in the browser (typed, bookmarked) with an empty 405 page. A GET shows a
        page whose button posts; it signs no one out itself (another site could link to it)."""
        if request.method == "POST":
            return self.logout(request)
        context = {**self.each_context(request), "title": _("Log out")}
        return TemplateResponse(request, "admin/logout_confirm.html", context)

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        from apps.core.admin_dashboard import dashboard_context  # reads models: not at app loading

        context = {**self.each_context(request), "title": _("Review dashboard"), **dashboard_context()}
        return TemplateResponse(request, "admin/dashboard.html", context)


class GuardedChangeList(ChangeList):
    """Django's changelist, refusing a date lookup outside Python's dates as Django refuses any
    other lookup it cannot apply: `IncorrectLookupParameters`, which the changelist view answers
    with a redirect to `?e=1` ("Incorrect lookup parameters") instead of a 500.

    Django turns such a value into a datetime unchecked (Django ticket #37357, fixed upstream
    after 6.1.3): `?created_at__year=9999` under a date hierarchy (its end is in year 10000),
    a year, month or day past a C int (`99999999999`), or `?<date field>__year=-1` on any date
    field, which fails only when the query is compiled, so counting the results is guarded too.
    """

    def get_queryset(
        self, request: HttpRequest, exclude_parameters: list[str | None] | None = None
    ) -> QuerySet[Any]:
        try:
            return super().get_queryset(request, exclude_parameters)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request: HttpRequest) -> None:
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as exc:  # a year lookup's bounds, made at compile time
            raise IncorrectLookupParameters(exc) from exc

    def get_ordering_field(self, field_name: Any) -> Any:
        """A column `sortable_by` leaves out sorts nothing, also when an address asks for it:
        Django offers no header to sort it but still sorts on a hand-typed `?o=` (a title at a
        million real estates, 3 to 4.6 s; docs/adr/0128)."""
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class GuardedChangeListMixin(_ModelAdmin):
    """Mixed in before `ModelAdmin` (or a subclass) by every model admin of the site: its
    changelist is `GuardedChangeList`, its actions take only ids of its rows' kind, and its search
    box keeps the bound of the API's `q`."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return GuardedChangeList

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """An action posted with a selected id that is no value of the primary key (a crafted form:
        the checkboxes carry real ids) is a 400, as a NUL in the query is. Django filters by the
        ticked values as they are: `abc` for a blob's integer id failed the action with a
        ValueError, and a number past the column's range with an OverflowError on SQLite."""
        pk = cast("Field[Any, Any]", self.model._meta.pk)  # every model has one
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                pk.run_validators(pk.to_python(value))
            except ValidationError as exc:
                raise SuspiciousOperation(f"An admin action on an invalid id: {exc.messages}") from exc
        response = super().changelist_view(request, extra_context)
        return self.refused_list_said(request, response)

    def refused_list_said(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Django answers a list it cannot show as asked (a filter it cannot apply, a page past the
        last) with a redirect to the whole list at `?e=1`, without a word; and the same refusal
        next to its own `e=1` as "Database error" ("something's wrong with your database
        installation"). Both are the whole list, saying why. Only `?e=1` alone still failing is
        Django's database error, as it is for Django."""
        whole_list = f"{request.path}?{ERROR_FLAG}=1"
        if request.get_full_path() == whole_list:  # nothing left to drop (or an action's return)
            return response
        if getattr(response, "template_name", None) == INVALID_SETUP_TEMPLATE:
            response = HttpResponseRedirect(whole_list)
        elif not (isinstance(response, HttpResponseRedirect) and response.url == whole_list):
            return response
        message = _(
            "The list could not be shown as its address asked (a filter or a page that does not "
            "exist): here it is whole."
        )
        self.message_user(request, message, messages.WARNING)
        return response

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if self.refuse_search(request, search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def refuse_search(self, request: HttpRequest, search_term: str) -> bool:
        """True, with the API's message, for a search longer than the API's `q` may be
        (`REAL_ESTATES_SEARCH_MAX_LENGTH`): it finds nothing. Each word is one more condition,
        and a thousand of them make a statement SQLite refuses ("Expression tree is too large"),
        which the page answered 503 as if the database were down."""
        limit = settings.REAL_ESTATES_SEARCH_MAX_LENGTH
        if len(search_term) <= limit:
            return False
        self.message_user(request, str(errors.SEARCH_TOO_LONG.message).format(limit=limit), messages.ERROR)
        return True
