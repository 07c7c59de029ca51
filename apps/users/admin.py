"""Staff screens for users: search by CPF or name, filter by role and state, audited role changes.

The admin is not a second write path (docs/adr/0012-admin-writes-through-services.md). Forms and
actions only validate and choose; every write is a call to `apps.users.services`, as the API's
are: creation, edits (a role change or a deactivation revokes the user's tokens), the password
page, and deletion, one or in bulk, which is the LGPD erasure of ADR 0010. A refusal of a service
(an admin demoting, deactivating or deleting themselves, the last active admin) rolls the view's
transaction back and is shown as a message instead of a save. The log entry Django writes for a
deletion names no one.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    PasswordChangeForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
    UserCreationForm,
)
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.core import errors
from apps.core.admin_refusals import ServiceRefusalsMixin
from apps.core.admin_site import CPF_INPUT_MAX_LENGTH, GuardedChangeListMixin
from apps.users import services
from apps.users.cpf import format_cpf, normalize_cpf
from apps.users.models import Role, User
from apps.users.throttling import current_password_check_allowed
from apps.users.validators import validate_cpf

ERASED = gettext_noop("(personal data erased)")
"""What the admin log (in English, as Django stores it) and the success message (in the page's
language) say of an erased account instead of its name."""

UPDATABLE_FIELDS = ("name", "email", "role", "is_active")
HISTORY_LABELS = (
    gettext_noop("Name"),
    gettext_noop("Email"),
    gettext_noop("Role"),
    gettext_noop("Is active"),
)
"""Django's history keeps the label of each field a change touched in English, capitalised, and
translates it when shown: these labels need entries of their own in the catalog."""
ROLE_CHANGES = (
    gettext_noop("role: collector → manager"),
    gettext_noop("role: collector → admin"),
    gettext_noop("role: manager → collector"),
    gettext_noop("role: manager → admin"),
    gettext_noop("role: admin → collector"),
    gettext_noop("role: admin → manager"),
)
"""What a user's history stores of a role change, in English, one more changed "field" Django
translates when the history is shown (`LogEntry.get_change_message`): each needs its entry in
the catalog, and rows written before read in the reader's language too."""


class EmailFreeFormMixin(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only, not at run time
    """An e-mail another account has (in any case) is an error on the field, in the API's words
    (`EMAIL_ALREADY_REGISTERED`), not the name of the unique index the model form would quote.
    The service checks again under its transaction."""

    def clean_email(self) -> str | None:
        email: str | None = self.cleaned_data.get("email")
        if email and User.objects.with_email(email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                errors.EmailAlreadyRegistered.default_message, code=errors.EmailAlreadyRegistered.code
            )
        return email


class UserCreationAdminForm(EmailFreeFormMixin, UserCreationForm):  # type: ignore[type-arg]
    """Always with a password (the service requires one): no "disable password" choice here. The
    CPF input takes what the sign-in page takes (a formatted CPF with stray spaces, as the API
    does): the model's 14 characters would cut ` 529.982.247-25 ` in the browser. A CPF it cannot
    read is refused as the API refuses it, in the one message CPF_INVALID: not also the model's
    "at most 11 characters" (a formatted CPF has 14) or a form field's length."""

    cpf = forms.CharField(label=User._meta.get_field("cpf").verbose_name)

    class Meta:
        model = User
        fields = ("cpf", "name", "email", "role")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cpf"].widget.attrs["maxlength"] = str(CPF_INPUT_MAX_LENGTH)

    def clean_cpf(self) -> str:
        cpf = normalize_cpf(self.cleaned_data["cpf"])
        validate_cpf(cpf)
        return cpf


class UserChangeAdminForm(EmailFreeFormMixin, UserChangeForm):  # type: ignore[type-arg]
    """`changed_data` is what was changed on the page: each field carries the value it was shown
    with (Django's `show_hidden_initial`), so a page opened before a colleague deactivated the
    account or changed its role saves its own edit without undoing theirs."""

    class Meta:
        model = User
        fields = ("name", "email", "role", "is_active")  # the CPF is the login: shown, not edited

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in UPDATABLE_FIELDS:
            if name in self.fields:
                # A post without the shown value (not from this page) is compared with the row.
                shown = not self.is_bound or self.add_initial_prefix(name) in self.data
                self.fields[name].show_hidden_initial = shown


class UserPasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]  # generic in the stubs only
    """Django's page to set another user's password. Django builds the help of its "Password-based
    authentication" choice once, in English, when it loads (a translated string joined to an
    untranslated warning): here it is built in the page's language, with the same markup (the
    warning's id is what Django's script shows and hides)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        usable_password = self.fields.get("usable_password")  # absent for an unusable password
        if usable_password is not None:
            usable_password.help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                gettext("If disabled, the current password for this user will be lost."),
            )


class RoleActionForm(ActionForm):
    role = forms.ChoiceField(
        choices=[("", "---------"), *Role.choices], required=False, label=gettext_lazy("Role")
    )


@admin.register(User)
class UserAdmin(GuardedChangeListMixin, ServiceRefusalsMixin, DjangoUserAdmin):  # type: ignore[type-arg]
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    change_password_form = UserPasswordChangeForm
    action_form = RoleActionForm
    actions = ("delete_selected", "deactivate_selected", "activate_selected", "change_role_of_selected")
    list_display = ("name", "formatted_cpf", "email", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")
    # Every letter folded, on SQLite too (apps/core/unicode_case.py); a CPF is digits.
    search_fields = ("name__unicode_icontains", "cpf", "email__unicode_icontains")
    ordering = ("name",)
    readonly_fields = ("date_joined", "last_login", "updated_at")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("cpf", "password")}),
        (gettext_lazy("Profile"), {"fields": ("name", "email")}),
        (gettext_lazy("Access"), {"fields": ("role", "is_active")}),
        (gettext_lazy("Dates"), {"fields": ("date_joined", "last_login", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("cpf", "name", "email", "role", "password1", "password2")}),
    )

    @admin.display(description="CPF", ordering="cpf")
    def formatted_cpf(self, obj: User) -> str:
        return format_cpf(obj.cpf)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        return super().get_search_results(request, queryset, normalize_cpf(search_term))

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if obj is None else ("cpf", *readonly)

    # --- the form page: validation here, writes in the services --------------------------------

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> User:
        """The validated, unsaved instance; not `form.save(commit=False)`, which would hash the
        password a first time for nothing."""
        instance: User = form.instance
        return instance

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.user_create(
                actor=_staff(request),
                cpf=data["cpf"],
                name=data["name"],
                password=data["password1"],
                role=data["role"],
                email=data.get("email"),
            )
            obj.pk = created.pk  # the log entry and the redirect that follow name the created row
            obj.refresh_from_db()
            return
        changes = {name: data[name] for name in form.changed_data if name in UPDATABLE_FIELDS}
        if changes:
            services.user_update(user=obj, actor=_staff(request), **changes)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing to save: no inlines, and no many-to-many field (permissions derive from the role)."""

    def construct_change_message(
        self,
        request: HttpRequest,
        form: forms.Form,
        formsets: "Iterable[BaseFormSet[Any]]",
        add: bool = False,
    ) -> list[dict[str, Any]]:
        """Role changes name the old and new role in the admin log, not only "Changed role": one of
        `ROLE_CHANGES`, stored as Django stores a field's label."""
        message: list[dict[str, Any]] = super().construct_change_message(request, form, formsets, add)
        if not add and "role" in form.changed_data:
            old, new = form.initial.get("role"), form.cleaned_data.get("role")
            message.append({"changed": {"fields": [f"role: {old} → {new}"]}})
        return message

    # --- the password page -------------------------------------------------------------------

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's page, but a valid submission goes to `services.user_set_password`, which revokes
        every token of the user. Anything else (a GET, a refused or invalid form) is Django's. One's
        own password is changed on the site's page that asks for the current one (as the API does:
        `services.user_set_password` refuses it here)."""
        user = self.get_object(request, unquote(id))
        if user is not None and user.pk == request.user.pk:
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:password_change", current_app=self.admin_site.name)
            )
        if request.method != "POST" or user is None or not self.has_change_permission(request, user):
            return super().user_change_password(request, id, form_url)
        form = self.change_password_form(user, request.POST)
        if not form.is_valid() or not (
            form.cleaned_data["set_usable_password"] or "unset-password" in request.POST
        ):
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        try:
            services.user_set_password(
                user=user, actor=_staff(request), password=form.cleaned_data["password1"] if usable else None
            )
        except errors.ApiError as error:
            return self._refused(request, error)
        user.refresh_from_db()
        self.log_change(request, user, self.construct_change_message(request, form, []))
        # Django's own words for its own page (and its pt-BR).
        done = (
            gettext("Password changed successfully.")
            if usable
            else gettext("Password-based authentication was disabled.")
        )
        self.message_user(request, done, messages.SUCCESS)
        update_session_auth_hash(request, user)  # an admin who changed their own stays signed in here
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:users_user_change", args=(user.pk,), current_app=self.admin_site.name
            )
        )

    # --- deletion: the erasure of ADR 0010 ---------------------------------------------------

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.user_delete(user=obj, actor=_staff(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _staff(request)
        for user in queryset:
            services.user_delete(user=user, actor=actor)

    def log_deletions(self, request: HttpRequest, queryset: Iterable[User]) -> list[LogEntry]:
        """Django logs a deletion before it happens, with the object's id and name; these entries
        record that an account was erased, by whom and when, and nothing of whose it was."""
        content_type = ContentType.objects.get_for_model(User)
        staff = _staff(request)
        return LogEntry.objects.bulk_create(
            LogEntry(
                user_id=staff.pk,
                content_type=content_type,
                object_id=None,
                object_repr=ERASED,
                action_flag=DELETION,
                change_message="",
            )
            for _ in queryset
        )

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        return super().response_delete(request, gettext(ERASED), obj_id)  # the message would name them

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        """Django's bulk delete (its confirmation page, then `log_deletions` and `delete_queryset`
        above), all or nothing: when the service refuses one account, none is deleted and the
        refusal is shown."""
        selected = self._selected(request, queryset)
        if selected is None or not self._confirmable(request, selected):
            return None
        try:
            with transaction.atomic():
                response: HttpResponse | None = django_delete_selected(self, request, selected)
                return response
        except errors.ApiError as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return None

    # --- bulk actions: one service call per user, each refusal reported -----------------------

    @admin.action(
        description=gettext_lazy("Deactivate selected users (revokes their tokens)"), permissions=["change"]
    )
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._update_each(request, queryset, "deactivated", is_active=False)

    @admin.action(description=gettext_lazy("Activate selected users"), permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._update_each(request, queryset, "activated", is_active=True)

    @admin.action(
        description=gettext_lazy("Give selected users the role chosen (revokes their tokens)"),
        permissions=["change"],
    )
    def change_role_of_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        role = request.POST.get("role", "")
        if role not in Role.values:
            self.message_user(request, gettext("Choose the role to give."), messages.ERROR)
            return
        self._update_each(request, queryset, "role", role=role)

    def _update_each(self, request: HttpRequest, queryset: QuerySet[User], done: str, **changes: Any) -> None:
        selected = self._selected(request, queryset)
        if selected is None:
            return
        actor = _staff(request)
        succeeded, failures = 0, []
        for user in selected:
            try:
                services.user_update(user=user, actor=actor, **changes)
                succeeded += 1
            except errors.ApiError as error:
                failures.append(f"{user.name}: {error.message}")
        if succeeded:
            self.message_user(request, _done_message(done, succeeded, changes.get("role")), messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)


def _done_message(done: str, count: int, role: str | None) -> str:
    messages_by_step = {
        "deactivated": ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", count),
        "activated": ngettext("%(count)d user activated.", "%(count)d users activated.", count),
        "role": ngettext(
            "%(count)d user given the role %(role)s.", "%(count)d users given the role %(role)s.", count
        ),
    }
    return messages_by_step[done] % {"count": count, "role": Role(role).label if role else ""}


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the admin requires a signed-in staff user
    return user


class OwnPasswordChangeForm(PasswordChangeForm):
    """The admin site's "Change password" page (a staff member's own password): Django's form
    checks the current password and the validators; saving is `services.user_change_password`,
    so the user's tokens are revoked and the change audited, as `POST /users/me/password` does.
    Each check of the current password counts in the account's sign-in bucket first, as there."""

    error_messages = {**PasswordChangeForm.error_messages, "throttled": errors.Throttled.default_message}

    def clean_old_password(self) -> str:
        if not current_password_check_allowed(self.user):  # before any hash is computed
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        old_password: str = super().clean_old_password()
        return old_password

    def save(self, commit: bool = True) -> Any:
        services.user_change_password(
            user=self.user,
            current_password=self.cleaned_data["old_password"],
            new_password=self.cleaned_data["new_password1"],
        )
        # The session keeps the digest of the new hash and revocation (`User.get_session_auth_hash`).
        self.user.refresh_from_db(fields=["password", "tokens_revoked_at"])
        return self.user


admin.site.password_change_form = OwnPasswordChangeForm


def hide_pages_that_write_around_services() -> None:
    """Nothing else in the admin writes around a service. Groups do nothing here (permissions
    derive from the role; no form assigns a group). Token rows belong to the token services:
    deleting a blacklist row would revive a refresh token, and an outstanding row shows the whole
    JWT. Called from `UsersConfig.ready`, once every app's admin module has registered its pages
    (`apps.users` is listed before `django.contrib.auth` and the token blacklist)."""
    for model in (Group, OutstandingToken, BlacklistedToken):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
