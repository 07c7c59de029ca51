"""Staff screens for real estates: review queue, history, and workflow actions.

Actions and edits call the same services as the API, so the rules, the row lock and the
history hold here too; so do the photo inline's moves and deletions (the media services).
A service's refusal (a stale form, a status that no longer allows the step) rolls the page's
transaction back and shows as a message, never a 500; bulk deletion is all or nothing.
Creation happens in the field (API), not in the admin. The review queue is the changelist
filtered on "submitted": oldest submission first, with cover, collector, city and days waiting.
"""

import calendar
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from apps.core import errors
from apps.core.admin_refusals import ServiceRefusalsMixin
from apps.core.admin_site import GuardedChangeListMixin
from apps.core.formatting import money, short_date
from apps.core.text import VisibleCharField
from apps.media import services as media_services
from apps.media.admin import PhotoInline, preview
from apps.media.models import Photo
from apps.real_estates import services
from apps.real_estates.dashboard import QUEUE_ORDER, awaiting_review_annotation
from apps.real_estates.models import ADDRESS_FIELDS, RealEstate, RealEstateTransition, Status
from apps.real_estates.querysets import RealEstateQuerySet
from apps.real_estates.search import search_terms
from apps.real_estates.validators import (
    UFS,
    normalize_cep,
    normalize_uf,
    validate_cep,
    validate_uf,
)
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
    "seen_version",
)


# Django's history keeps the label of each field a change touched in English, capitalised
# ("Parking spaces"), and translates it when shown: the labels of the fields staff change here need
# entries of their own in the catalog (CEP, UF, latitude and longitude read the same in pt-BR).
HISTORY_LABELS = (
    gettext_noop("Title"),
    gettext_noop("Description"),
    gettext_noop("Kind"),
    gettext_noop("Purpose"),
    gettext_noop("Price"),
    gettext_noop("Area m2"),
    gettext_noop("Bedrooms"),
    gettext_noop("Bathrooms"),
    gettext_noop("Parking spaces"),
    gettext_noop("Street"),
    gettext_noop("Number"),
    gettext_noop("Complement"),
    gettext_noop("Neighborhood"),
    gettext_noop("City"),
)


class RejectionForm(forms.Form):
    reason = VisibleCharField(
        label=gettext_lazy("Rejection reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("The collector reads it; it is kept in the real estate's history."),
    )


# The free texts: one of nothing a reader sees is empty, as the API's fields read it (ADR 0094).
TEXT_FIELDS = ("title", "description", "street", "number", "complement", "neighborhood", "city")

# The API's bounds (RealEstateInputSerializer), which the table's check constraints also hold:
# checked on the fields, so that a staff member reads which value is wrong, in the API's words,
# rather than the name of the constraint the model form would quote.
COORDINATE_LIMIT = 180  # no latitude or longitude is larger: only such a number is rounded

FIELD_BOUNDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "price": (Decimal(0), None),
    "area_m2": (Decimal("0.01"), None),
    "latitude": (Decimal(-90), Decimal(90)),
    "longitude": (Decimal(-180), Decimal(180)),
}


class CepFormField(forms.CharField):
    """A CEP as the API takes it (`01310-100`, ` 01310100 `): normalised by the same
    `normalize_cep`, refused by the same `validate_cep` in its words, and only in them (checked
    while read, as the API does, so no length message joins it), stored as 8 digits. No length
    limit on the input: the API limits the value once trimmed, which a browser's `maxlength`
    cannot, and would stop a user typing or pasting a spelling the API takes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "max_length": None})

    def to_python(self, value: Any) -> str:
        cep = normalize_cep(str(super().to_python(value)))
        if cep:  # blank: the field's own "required"
            validate_cep(cep)
        return cep


class UfFormField(forms.CharField):
    """A UF as the API takes it, in any case and spacing (` sp `): normalised by the same
    `normalize_uf`, refused by the same `validate_uf` in its words, and only in them, stored in
    upper case; no length limit on the input (as `CepFormField`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "max_length": None})

    def to_python(self, value: Any) -> str:
        uf = normalize_uf(str(super().to_python(value)))
        if uf:
            validate_uf(uf)
        return uf


class CoordinateFormField(forms.DecimalField):
    """A latitude or longitude as the API takes it: any number of decimal places (a map or a GPS
    gives seven or more), stored rounded to the column's six (≈ 10 cm), as the API's
    `CoordinateField` rounds. The bounds are then checked on the rounded value, as there; a
    number past any coordinate is left as typed for them to refuse, and so is a word Python's
    decimals read (`NaN`, `Infinity`) for the field's own `invalid` (a NaN compared was a 500)."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: IntegerField
        number: Decimal | None = super().to_python(value)
        if number is None or not number.is_finite() or abs(number) > COORDINATE_LIMIT:
            return number
        places = cast(int, self.decimal_places)  # the model field's six
        return number.quantize(Decimal(1).scaleb(-places))


class RealEstateForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only, not at run time
    """Carries the version the page was read at: saving over someone else's later change is
    refused (`PRECONDITION_FAILED`), as `If-Match` does in the API. Takes a CEP and a UF as the
    API does and stores them as it does; a text with nothing a reader sees (zero-width
    characters, marks alone) is empty, as in the API (docs/adr/0094): a required one is refused."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        field_classes = {
            "zip_code": CepFormField,
            "state": UfFormField,
            "latitude": CoordinateFormField,
            "longitude": CoordinateFormField,
            **dict.fromkeys(TEXT_FIELDS, VisibleCharField),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version
        for name, (low, high) in FIELD_BOUNDS.items():
            field = self.fields.get(name)  # absent when read-only
            if field is None:
                continue
            if low is not None:
                field.validators.append(MinValueValidator(low))
                field.widget.attrs["min"] = str(low)
            if high is not None:
                field.validators.append(MaxValueValidator(high))
                field.widget.attrs["max"] = str(high)


class UfFilter(admin.SimpleListFilter):
    """The 27 UFs, from the constant every stored UF is checked against (`re_state_valid_uf`):
    Django's field filter listed the distinct UFs of the whole table on every page (docs/adr/0116).
    Same parameter as before (`?state=SP`)."""

    title = gettext_lazy("UF")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(uf, uf) for uf in sorted(UFS)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> QuerySet[RealEstate]:
        return queryset.filter(state=self.value()) if self.value() is not None else queryset


class CityFilter(admin.SimpleListFilter):
    """The cities the UF chosen in `UfFilter` has among its newest 5,000 listings (one bounded
    index scan, docs/adr/0116), and the city chosen, always; none before a UF is chosen. Django's
    field filter listed the distinct cities of the whole table on every page. Same parameter as
    before (`?city=Campinas`), which filters with or without a UF."""

    title = gettext_lazy("city")
    parameter_name = "city"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        uf = request.GET.get(UfFilter.parameter_name, "")
        cities = RealEstate.objects.cities_in_uf(uf) if uf in UFS else set()
        chosen = request.GET.get(self.parameter_name)
        if chosen is not None:
            cities.add(chosen)
        return [(city, city) for city in sorted(cities)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> QuerySet[RealEstate]:
        return queryset.filter(city=self.value()) if self.value() is not None else queryset


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


class RealEstatePhotoInline(PhotoInline):
    """The photos of a real estate that is no longer editable are shown, not offered for change:
    the media services would refuse (`REAL_ESTATE_NOT_EDITABLE`, whoever asks)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)


@admin.register(RealEstate)
class RealEstateAdmin(GuardedChangeListMixin, ServiceRefusalsMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = RealEstateForm
    list_display = (
        "cover",
        "title",
        "status",
        "kind",
        "purpose",
        "price_display",
        "city",
        "state",
        "collector",
        "created_display",
    )
    queue_display = ("cover", "title", "price_display", "city", "state", "collector", "days_waiting")
    list_display_links = ("title",)
    # The columns whose order an index holds, each way (docs/adr/0128). Title, purpose, city and
    # collector read and sorted every row (3 to 4.6 s at 1M real estates); status and kind, served
    # one way, read a whole status or kind the other (0.3 to 0.75 s), and the list filters on them.
    # Their headers do not sort, nor does an address that asks (`?o=2`; GuardedChangeList).
    sortable_by = ("price_display", "state", "created_display", "days_waiting")
    list_filter = ("status", "kind", "purpose", UfFilter, CityFilter)
    list_select_related = ("collected_by",)
    search_fields = ("title",)  # replaced by the accent-insensitive search below
    search_help_text = gettext_lazy(
        "Words in title, description, street, neighborhood or city (any case or accents)."
    )
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # each filter's counts: a pass over the table (ADR 0116)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (RealEstatePhotoInline, TransitionInline)
    actions = ("approve_selected", "reject_selected", "archive_selected", "delete_selected")
    fieldsets = (
        (None, {"fields": ("title", "description", "kind", "purpose", "price", "area_m2")}),
        (gettext_lazy("Rooms"), {"fields": ("bedrooms", "bathrooms", "parking_spaces")}),
        (gettext_lazy("Address"), {"fields": ADDRESS_FIELDS}),
        (gettext_lazy("Workflow"), {"fields": WORKFLOW_FIELDS}),
    )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A page posted after someone else changed the real estate is refused as stale before its
        form is read: the form is built for the real estate as it is now, and a page read while
        it was not editable has none of the fields an editable one requires."""
        if request.method == "POST" and object_id is not None and _posted_stale(request, object_id):
            return self._refused(request, errors.PreconditionFailed())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Django's list, with the date hierarchy of `created_hierarchy` (rendered in place of
        Django's by admin/real_estates/realestate/change_list.html)."""
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if isinstance(context, dict) and "cl" in context:
            context["created_hierarchy"] = created_hierarchy(context["cl"])
        return response

    def get_queryset(self, request: HttpRequest) -> QuerySet[RealEstate]:
        # Annotated before ordering: the review queue sorts on `submitted_at`.
        queryset = awaiting_review_annotation(RealEstate.objects.all())
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_ordering(self, request: HttpRequest) -> Any:
        if _is_review_queue(request):
            return QUEUE_ORDER  # waiting longest first, in the order of an index (docs/adr/0128)
        return super().get_ordering(request)

    def get_list_display(self, request: HttpRequest) -> Any:
        return self.queue_display if _is_review_queue(request) else super().get_list_display(request)

    @admin.display(description=gettext_lazy("cover"))
    def cover(self, obj: RealEstate) -> str:
        return preview(obj.cover_key or "", size=64)

    @admin.display(description=gettext_lazy("price"), ordering="price")
    def price_display(self, obj: RealEstate) -> str:
        return money(obj.price)

    @admin.display(description=gettext_lazy("collector"), ordering="collected_by__name")
    def collector(self, obj: RealEstate) -> str:
        return obj.collected_by.name if obj.collected_by else "—"

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created_display(self, obj: RealEstate) -> str:
        return short_date(obj.created_at)

    # Sorted on the submission as the queue is (`QUEUE_ORDER`), from its index, not on the
    # `submitted_at` subquery, which sorted every submitted row (docs/adr/0128).
    @admin.display(description=gettext_lazy("days waiting"), ordering="updated_at")
    def days_waiting(self, obj: RealEstate) -> str:
        submitted_at = getattr(obj, "submitted_at", None)
        if obj.status != Status.SUBMITTED or submitted_at is None:
            return "—"
        return str((timezone.now() - submitted_at).days)

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, Any]]:
        """Django's, with the photos named as staff know them (`_photo_changes`)."""
        others = [formset for formset in formsets if formset.model is not Photo]
        message: list[dict[str, Any]] = super().construct_change_message(request, form, others, add)
        for formset in formsets:
            if formset.model is Photo:
                message += _photo_changes(formset)
        return message

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Photo:
            super().save_formset(request, form, formset, change)
            return
        _save_photos(formset, _staff(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[RealEstate], search_term: str
    ) -> tuple[QuerySet[RealEstate], bool]:
        if self.refuse_search(request, search_term):
            return queryset.none(), False
        return cast(RealEstateQuerySet, queryset).search(search_term), False

    def refuse_search(self, request: HttpRequest, search_term: str) -> bool:
        """The API's `q` search, with both of its bounds: the length (every admin's) and the words."""
        if super().refuse_search(request, search_term):
            return True
        limit = settings.REAL_ESTATES_SEARCH_MAX_TERMS
        if len(search_terms(search_term)) <= limit:
            return False
        message = str(errors.SEARCH_TOO_MANY_TERMS.message).format(limit=limit)
        self.message_user(request, message, messages.ERROR)
        return True

    def get_readonly_fields(self, request: HttpRequest, obj: RealEstate | None = None) -> Any:
        if not _editable(obj):
            fields = (f for fieldset in self.fieldsets for f in fieldset[1]["fields"])
            return tuple(f for f in fields if f != "seen_version")
        return tuple(f for f in WORKFLOW_FIELDS if f != "seen_version")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: RealEstate, form: "forms.ModelForm[RealEstate]", change: bool
    ) -> None:
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS
        }
        seen = form.cleaned_data.get("seen_version")
        # A stale page is refused even with nothing editable left (someone submitted it
        # meanwhile): saying "changed successfully" would hide that the edits were dropped. An
        # editable one always goes through the service, changed fields or not: it locks the row and
        # compares `seen` under the lock, held until the page's transaction ends, so the photo
        # inline's writes that follow (`save_formset`) act on the version the page was read at,
        # not on one a write committing after the unlocked look (`_posted_stale`) made.
        if fields or (seen is not None and (seen != obj.version or _editable(obj))):
            services.real_estate_update(
                real_estate=obj, actor=_staff(request), fields=fields, expected_version=seen
            )

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Django's list of what a deletion takes (one real estate's page, or the bulk action's),
        each photo named as the change page shows it, not `Photo.__str__`'s `<id>#<position>`."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        photos = Photo.objects.filter(real_estate__in=objs).only("real_estate_id", "position", "caption")
        names = {str(photo): _photo_label(photo.position + 1, photo.caption) for photo in photos}
        prefix = f"{capfirst(Photo._meta.verbose_name)}: "
        return _named_photos(to_delete, names, prefix), model_count, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: RealEstate) -> None:
        services.real_estate_delete(real_estate=obj, actor=_staff(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> None:
        # In primary-key order, not the list's (the service's): the order of the collector's erasure.
        services.real_estate_delete_many(real_estates=queryset, actor=_staff(request))

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> HttpResponse | None:
        """Django's bulk delete (its confirmation page, then `delete_queryset` above), all or
        nothing: when the service refuses one real estate, none is deleted and the refusal shown."""
        selected = self._selected(request, queryset)
        if selected is None or not self._confirmable(request, selected):
            return None
        try:
            with transaction.atomic():
                response: HttpResponse | None = django_delete_selected(self, request, selected)
                return response
        except errors.ApiError as error:
            self.message_user(
                request, _("Nothing was deleted. %(refusal)s") % {"refusal": error.message}, messages.ERROR
            )
            return None

    @admin.action(description=gettext_lazy("Approve selected real estates"), permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> None:
        self._run(
            request, queryset, "approved", lambda r, u: services.real_estate_approve(real_estate=r, actor=u)
        )

    @admin.action(
        description=gettext_lazy("Reject selected real estates (give a reason)"), permissions=["change"]
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> HttpResponse | None:
        """Asks for the reason on a page of its own; rejects once it is given."""
        selected = self._selected(request, queryset)
        if selected is None or not self._confirmable(request, selected):
            return None
        form = RejectionForm(request.POST if "reject" in request.POST else None, use_required_attribute=False)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                selected,
                "rejected",
                lambda r, u: services.real_estate_reject(real_estate=r, actor=u, reason=reason),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject real estates"),
            "opts": self.model._meta,
            "form": form,
            "queryset": selected,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "preserved_filters": self.get_preserved_filters(request),
        }
        return TemplateResponse(request, "admin/real_estates/realestate/reject_selected.html", context)

    @admin.action(description=gettext_lazy("Archive selected real estates"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[RealEstate]) -> None:
        self._run(
            request, queryset, "archived", lambda r, u: services.real_estate_archive(real_estate=r, actor=u)
        )

    def _run(self, request: HttpRequest, queryset: QuerySet[RealEstate], done: str, service: Any) -> None:
        selected = self._selected(request, queryset)
        if selected is not None:
            self._each(request, selected, done, service)

    def _each(self, request: HttpRequest, selected: QuerySet[RealEstate], done: str, service: Any) -> None:
        actor = _staff(request)
        succeeded, failures = 0, []
        for real_estate in selected:
            try:
                service(real_estate, actor)
                succeeded += 1
            except errors.ApiError as error:
                failures.append(f"{real_estate.title}: {error.message}")
        if succeeded:
            self.message_user(request, _done_message(done, succeeded), messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.WARNING)


def created_hierarchy(cl: Any) -> dict[str, Any]:
    """The context of Django's date hierarchy on `created_at` (its `{% date_hierarchy %}` tag's,
    rendered by the same admin/date_hierarchy.html), with the same levels and links
    (`?created_at__year=...&created_at__month=...`, the other filters kept), offering the dates
    between the table's first and last listing (`created_bounds`, two index reads) instead of the
    distinct dates of the filtered rows, a pass over them (0.4 to 1.0 s of every unfiltered page at
    1M real estates, docs/adr/0128). So a year, month or day in that span without a listing of
    the current filter may be offered; its list says it has none."""
    field = "created_at"
    names = [f"{field}__{part}" for part in ("year", "month", "day")]
    try:
        year, month, day = (int(cl.params[name]) if cl.params.get(name) else None for name in names)
    except (TypeError, ValueError):  # the changelist refused it already; nothing to offer
        return {"show": False}

    def link(*parts: int) -> str:  # year, month, day: the address of that level
        return str(cl.get_query_string(dict(zip(names, map(str, parts), strict=False)), [f"{field}__"]))

    first, last = (
        timezone.localdate(moment) if moment else None for moment in RealEstate.objects.created_bounds()
    )
    hierarchy: dict[str, Any] = {"show": True, "field_name": RealEstate.created_at.field.verbose_name}
    if first is None or last is None:
        return {**hierarchy, "back": None, "choices": []}
    if year is None and month is None and day is None and first.year == last.year:  # as Django: start lower
        year = first.year
        month = first.month if first.month == last.month else None
    if year and month and day:
        shown = date(year, month, day)
        back = {"link": link(year, month), "title": _date(shown, "YEAR_MONTH_FORMAT")}
        return {**hierarchy, "back": back, "choices": [{"title": _date(shown, "MONTH_DAY_FORMAT")}]}
    if year and month:
        days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
        choices = [
            {"link": link(year, month, d.day), "title": _date(d, "MONTH_DAY_FORMAT")}
            for d in days
            if first <= d <= last
        ]
        return {**hierarchy, "back": {"link": link(year), "title": str(year)}, "choices": choices}
    if year:
        months = [date(year, m, 1) for m in range(1, 13)]
        choices = [
            {"link": link(year, m.month), "title": _date(m, "YEAR_MONTH_FORMAT")}
            for m in months
            if first.replace(day=1) <= m <= last
        ]
        return {**hierarchy, "back": {"link": link(), "title": _("All dates")}, "choices": choices}
    years = range(first.year, last.year + 1)
    return {**hierarchy, "back": None, "choices": [{"link": link(y), "title": str(y)} for y in years]}


def _date(day: date, format_name: str) -> str:
    return capfirst(formats.date_format(day, format_name))


def _save_photos(formset: Any, actor: User) -> None:
    """The photo inline's deletions, captions and moves, through the media services (locks,
    renumbering, the real estate's photo count and cover), never a direct save. The moves go
    together (`photo_move_many`): each photo moved lands at the order typed, among the photos left
    (one at a time, a later move pushed an earlier one off its place)."""
    for photo_form in formset.deleted_forms:
        if photo_form.instance.pk:
            media_services.photo_delete(photo=photo_form.instance, actor=actor)
    deleted = {f.instance.pk for f in formset.deleted_forms}
    moves: dict[Any, int] = {}
    for photo_form in formset.initial_forms:
        photo = photo_form.instance
        if photo.pk in deleted or not photo_form.has_changed():
            continue
        changed = photo_form.changed_data
        if "caption" in changed:
            media_services.photo_update(photo=photo, actor=actor, caption=photo_form.cleaned_data["caption"])
        if "order" in changed:
            moves[photo.pk] = photo_form.cleaned_data["order"] - 1  # shown from 1, stored from 0
    if moves:
        media_services.photo_move_many(real_estate_id=formset.instance.pk, actor=actor, positions=moves)


def _photo_changes(formset: Any) -> list[dict[str, Any]]:
    """The history's entries for the photo inline's changes, in Django's shape (stored in English,
    translated when shown), naming each photo as the page showed it: its order, moved to the one
    asked (at most the number of photos left), and its caption (`3 → 1 (Fachada)`), not
    `Photo.__str__`'s `<real estate id>#<position>`. Kept with the entry: the history page reads
    nothing more to show them."""
    deleted = [f for f in formset.deleted_forms if f.instance.pk]
    left = len(formset.initial_forms) - len(deleted)
    entries: list[dict[str, Any]] = []
    with translation.override(None):
        name = str(Photo._meta.verbose_name)
        for photo_form in formset.initial_forms:
            if photo_form in deleted or not photo_form.has_changed():
                continue
            changed = photo_form.changed_data
            moved_to = min(photo_form.cleaned_data["order"], left) if "order" in changed else None
            photo = _photo_name(photo_form, photo_form.cleaned_data.get("caption", ""), moved_to)
            labels = [str(photo_form.fields[field].label or field) for field in changed]
            entries.append({"changed": {"name": name, "object": photo, "fields": labels}})
        for photo_form in deleted:
            photo = _photo_name(photo_form, photo_form.initial.get("caption", ""), None)
            entries.append({"deleted": {"name": name, "object": photo}})
    return entries


def _photo_name(photo_form: Any, caption: str, moved_to: int | None) -> str:
    shown = photo_form.fields["order"].initial  # the order the page showed it at
    place = f"{shown} → {moved_to}" if moved_to not in (None, shown) else str(shown)
    return _photo_label(place, caption)


def _photo_label(order: int | str, caption: str) -> str:
    """A photo as staff know it: its order on the change page, and its caption if it has one."""
    return f"{order} ({caption})" if caption else str(order)


def _named_photos(items: list[Any], names: dict[str, str], prefix: str) -> list[Any]:
    """Django's nested list of what a deletion takes, each photo's line (`Photo: <str>`) with its name."""
    named: list[Any] = []
    for item in items:
        if isinstance(item, list):
            named.append(_named_photos(item, names, prefix))
        elif isinstance(item, str) and item.startswith(prefix) and item[len(prefix) :] in names:
            named.append(prefix + names[item[len(prefix) :]])
        else:
            named.append(item)
    return named


def _done_message(done: str, count: int) -> str:
    messages_by_step = {
        "approved": ngettext("%(count)d real estate approved.", "%(count)d real estates approved.", count),
        "rejected": ngettext("%(count)d real estate rejected.", "%(count)d real estates rejected.", count),
        "archived": ngettext("%(count)d real estate archived.", "%(count)d real estates archived.", count),
    }
    return messages_by_step[done] % {"count": count}


def _editable(obj: RealEstate | None) -> bool:
    return obj is None or obj.status in services.EDITABLE_STATUSES


def _posted_stale(request: HttpRequest, object_id: str) -> bool:
    """The page's `seen_version` is not the real estate's version now. A missing or malformed
    one, or a real estate gone, is left for the form and Django's own page to answer."""
    try:
        seen = int(request.POST.get("seen_version", ""))
        current = RealEstate.objects.filter(pk=unquote(object_id)).values_list("version", flat=True).first()
    except (ValueError, ValidationError):
        return False
    return current is not None and current != seen


def _is_review_queue(request: HttpRequest) -> bool:
    """The changelist filtered on "submitted" is the review queue."""
    return request.GET.get("status__exact") == Status.SUBMITTED


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the admin requires a signed-in staff user
    return user
