"""Staff screens for users: search by CPF or name, filter by role and state, audited role changes."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.forms import BaseFormSet
from django.http import HttpRequest

from apps.users.cpf import format_cpf, normalize_cpf
from apps.users.models import User


class UserCreationAdminForm(AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("cpf", "name", "email", "role")


class UserChangeAdminForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("cpf", "name", "email", "role", "is_active")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("name", "formatted_cpf", "email", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("name", "cpf", "email")
    ordering = ("name",)
    readonly_fields = ("date_joined", "last_login", "updated_at")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("cpf", "password")}),
        ("Profile", {"fields": ("name", "email")}),
        ("Access", {"fields": ("role", "is_active")}),
        ("Dates", {"fields": ("date_joined", "last_login", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("cpf", "name", "email", "role", "password1", "password2")}),
    )

    @admin.display(description="CPF", ordering="cpf")
    def formatted_cpf(self, obj: User) -> str:
        return format_cpf(obj.cpf)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        return super().get_search_results(request, queryset, normalize_cpf(search_term))

    def construct_change_message(
        self,
        request: HttpRequest,
        form: forms.Form,
        formsets: "Iterable[BaseFormSet[Any]]",
        add: bool = False,
    ) -> list[dict[str, Any]]:
        """Role changes name the old and new role in the admin log, not only "Changed role"."""
        message: list[dict[str, Any]] = super().construct_change_message(request, form, formsets, add)
        if not add and "role" in form.changed_data:
            old, new = form.initial.get("role"), form.cleaned_data.get("role")
            message.append({"changed": {"fields": [f"role: {old} → {new}"]}})
        return message
