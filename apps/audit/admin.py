"""The audit trail in the admin: read-only and filterable. Nobody adds, edits or deletes an
event here (append-only); erasure of a user is the only thing that changes one."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy

from apps.audit.models import AuditAction, AuditEvent, TargetType
from apps.core.admin_site import GuardedChangeListMixin
from apps.users.cpf import normalize_cpf


class AuditEventForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only, not at run time
    """Shows the model's help texts as text: the admin prints a field's help as HTML, and the
    help of `action` (`<target type>.<verb>`) would read as two tags and a dot."""

    class Meta:
        model = AuditEvent
        fields = ()
        help_texts = {"action": escape(AuditEvent._meta.get_field("action").help_text)}


class ActionFilter(admin.SimpleListFilter):
    """The actions of `AuditAction`, those of the target type chosen if one is, and the action chosen,
    always: Django's field filter listed the distinct actions of the whole trail on every page
    (0.5 s at two million events, docs/adr/0116). Same parameter as before (`?action=...`)."""

    title = gettext_lazy("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        target_type = request.GET.get("target_type__exact")
        actions = [
            a
            for a in AuditAction.values
            if target_type not in TargetType.values or a.startswith(f"{target_type}.")
        ]
        chosen = request.GET.get(self.parameter_name)
        if chosen is not None and chosen not in actions:
            actions.append(chosen)
        return [(action, action) for action in actions]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        return queryset.filter(action=self.value()) if self.value() is not None else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(GuardedChangeListMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only, not at run time
    form = AuditEventForm
    list_display = ("created_at", "actor_display", "action", "target_type", "target_id", "request_id")
    list_filter = ("target_type", ActionFilter, "actor_erased", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=target_id", "=request_id", "=actor__cpf")
    search_help_text = gettext_lazy("Exact target id, request id or actor CPF.")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # each filter's counts: a pass over the table (ADR 0116)
    list_select_related = ("actor",)
    fields = ("created_at", "actor_display", "action", "target_type", "target_id", "changes", "request_id")
    readonly_fields = fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent], search_term: str
    ) -> tuple[QuerySet[AuditEvent], bool]:
        # A CPF as people type it (`529.982.247-25`), as the users' search takes it.
        return super().get_search_results(request, queryset, normalize_cpf(search_term))

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("actor"), ordering="actor__name")
    def actor_display(self, event: AuditEvent) -> str:
        if event.actor_erased:
            return gettext("deleted user")  # the API's DELETED_USER_NAME, in the page's language
        return event.actor.name if event.actor is not None else "—"
