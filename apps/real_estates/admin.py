"""Staff screens for real estates: review queue, history, and workflow actions.

Actions and edits call the same services as the API, so the rules, the row lock and the
history hold here too. Creation happens in the field (API), not in the admin.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.core import errors
from apps.media.admin import PhotoInline
from apps.real_estates import services
from apps.real_estates.models import ADDRESS_FIELDS, RealEstate, RealEstateTransition
from apps.real_estates.querysets import RealEstateQuerySet
from apps.users.models import User

WORKFLOW_FIELDS = (
    "status",
    "collected_by",
    "reviewed_by",
    "reviewed_at",
    "rejection_reason",
    "photo_count",
    "version",
    "created_at",
    "updated_at",
)


class ReviewActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Rejection reason", max_length=2000)


class TransitionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RealEstateTransition
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    ordering = ("at", "id")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RealEstateTransition]:
        return super().get_queryset(request).select_related("actor")


@admin.register(RealEstate)
class RealEstateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "title",
        "status",
        "kind",
        "purpose",
        "price",
        "city",
        "state",
        "collected_by",
        "created_at",
    )
    list_filter = ("status", "kind", "purpose", "state", "city")
    list_select_related = ("collected_by",)
    search_fields = ("title",)  # replaced by the accent-insensitive search below
    search_help_text = "Words in title, description, street, neighborhood or city (any case or accents)."
    show_full_result_count = False
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (PhotoInline, TransitionInline)
    action_form = ReviewActionForm
    actions = ("approve_selected", "reject_selected", "archive_selected")
    fieldsets = (
        (None, {"fields": ("title", "description", "kind", "purpose", "price", "area_m2")}),
        ("Rooms", {"fields": ("bedrooms", "bathrooms", "parking_spaces")}),
        ("Address", {"fields": ADDRESS_FIELDS}),
        ("Workflow", {"fields": WORKFLOW_FIELDS}),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[RealEstate], search_term: str
    ) -> tuple[QuerySet[RealEstate], bool]:
        return cast(RealEstateQuerySet, queryset).search(search_term), False

    def get_readonly_fields(self, request: HttpRequest, obj: RealEstate | None = None) -> Any:
        if obj is not None and obj.status not in services.EDITABLE_STATUSES:
            return tuple(f for fieldset in self.fieldsets for f in fieldset[1]["fields"])
        return WORKFLOW_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: RealEstate, form: "forms.ModelForm[RealEstate]", change: bool
    ) -> None:
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS
        }
        if fields:
            services.real_estate_update(real_estate=obj, actor=_staff(request), fields=fields)

    def delete_model(self, request: HttpRequest, obj: RealEstate) -> None:
        services.real_estate_delete(real_estate=obj, actor=_staff(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> None:
        for real_estate in queryset:
            services.real_estate_delete(real_estate=real_estate, actor=_staff(request))

    @admin.action(description="Approve selected real estates", permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> None:
        self._run(
            request, queryset, "approved", lambda r, u: services.real_estate_approve(real_estate=r, actor=u)
        )

    @admin.action(description="Reject selected real estates (give a reason)", permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, str(errors.REJECTION_REASON_REQUIRED.message), messages.ERROR)
            return
        self._run(
            request,
            queryset,
            "rejected",
            lambda r, u: services.real_estate_reject(real_estate=r, actor=u, reason=reason),
        )

    @admin.action(description="Archive selected real estates", permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> None:
        self._run(
            request, queryset, "archived", lambda r, u: services.real_estate_archive(real_estate=r, actor=u)
        )

    def _run(self, request: HttpRequest, queryset: QuerySet[RealEstate], done: str, service: Any) -> None:
        actor = _staff(request)
        succeeded, failures = 0, []
        for real_estate in queryset:
            try:
                service(real_estate, actor)
                succeeded += 1
            except errors.ApiError as error:
                failures.append(f"{real_estate.title}: {error.message}")
        if succeeded:
            self.message_user(request, f"{succeeded} real estate(s) {done}.", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.WARNING)


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the admin requires a signed-in staff user
    return user
