"""Staff screens for media: blobs with reference counts, sizes, previews and an orphan filter;
a photo inline for the real-estate admin (reorder, caption, delete).

The admin changes photos only through the same services as the API: photos are added through
the upload endpoint (never an admin form), and blobs are removed by `gc_media`, not by hand.
Blobs whose thumbnails `failed` (filter by thumbnail state), or whose thumbnail files were lost,
can be queued again from the list.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext
from kombu.exceptions import OperationalError as BrokerUnreachable

from apps.core import errors
from apps.core.admin_site import GuardedChangeListMixin
from apps.core.text import VisibleCharField
from apps.media import services, storage
from apps.media.images import CONTENT_TYPES
from apps.media.models import MAX_PHOTOS_PER_REAL_ESTATE, Blob, Photo


def preview(key: str, *, size: int = 96) -> str:
    if not key:
        return "—"
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px" loading="lazy">',
        storage.object_url(key),
        size,
        size,
    )


def _photos_of_each_blob() -> "QuerySet[Photo]":
    return Photo.objects.filter(blob=OuterRef("pk")).order_by()


def _reference_count() -> Coalesce:
    """A blob's photos counted by a subquery of its own (the photos' blob index): computed for the
    rows of the page only, where grouping every blob with its photos read the whole of both
    tables for any page (docs/adr/0112). A plain COUNT, not `Count`, adds no GROUP BY."""
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())
    return Coalesce(Subquery(_photos_of_each_blob().annotate(count=count).values("count")), 0)


class OrphanFilter(admin.SimpleListFilter):
    title = gettext_lazy("references")
    parameter_name = "orphan"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Orphaned (no photo)")), ("no", gettext("Referenced"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Whether a photo exists, not how many: an anti-join PostgreSQL plans over the whole table.
        if self.value() == "yes":
            return queryset.exclude(Exists(_photos_of_each_blob()))
        if self.value() == "no":
            return queryset.filter(Exists(_photos_of_each_blob()))
        return queryset


class ContentTypeFilter(admin.SimpleListFilter):
    """The types an upload can be stored as, not the distinct values of the table (a scan of every
    blob, each time the list is shown)."""

    title = gettext_lazy("content type")
    parameter_name = "content_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(content_type, content_type) for content_type in sorted(CONTENT_TYPES.values())]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(content_type=self.value()) if self.value() else queryset


@admin.register(Blob)
class BlobAdmin(GuardedChangeListMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("thumbnail", "short_hash", "content_type", "dimensions", "human_size", "references",
                    "thumbnail_state", "created_at")  # fmt: skip
    list_filter = (OrphanFilter, ContentTypeFilter, "thumbnail_state")
    # A hash's first characters (as the list shows them), through the column's index, in either case.
    search_fields = ("sha256__startswith",)
    search_help_text = gettext_lazy("The SHA-256, whole or its first characters.")
    ordering = ("-created_at",)
    # Millions of rows (docs/adr/0112): the page counts its filtered rows once, not the whole table
    # again, and offers no per-option counts, each one more pass over the table.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = ("sha256", "key", "content_type", "width", "height", "size", "thumbnail_state",
              "thumbnail_256_key", "thumbnail_1024_key", "created_at", "large_preview")  # fmt: skip
    readonly_fields = fields
    list_per_page = 50
    actions = ("rebuild_thumbnails",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Blob]:
        return Blob.objects.annotate(reference_count=_reference_count())

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Blob], search_term: str
    ) -> tuple[QuerySet[Blob], bool]:
        return super().get_search_results(request, queryset, search_term.lower())  # stored in lower case

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Blob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Blob | None = None) -> bool:
        return False  # gc_media removes blobs, under the locks that keep racing uploads safe

    def has_rebuild_permission(self, request: HttpRequest) -> bool:
        """An operator's task (`manage.py rebuild_thumbnails`): admins only. A manager reads blobs
        to review photos; an action without `permissions` would be theirs too."""
        return bool(request.user.is_superuser)

    @admin.action(
        description=gettext_lazy("Rebuild the thumbnails of the selected blobs"), permissions=["rebuild"]
    )
    def rebuild_thumbnails(self, request: HttpRequest, queryset: QuerySet[Blob]) -> None:
        """As `manage.py rebuild_thumbnails`: the selected blobs that are not ready, or ready with
        a rendition object lost from storage (`services.blobs_missing_renditions`)."""
        from apps.media.tasks import generate_thumbnails

        try:
            ids = services.blobs_missing_renditions(queryset)
        except errors.StorageUnavailable as error:  # its listing: nothing queued
            self.message_user(request, str(error.message), messages.ERROR)
            return
        try:
            for blob_id in ids:
                generate_thumbnails.delay(blob_id, force=True)
        except BrokerUnreachable:  # a broker configured and down: the blobs stay as they are
            self.message_user(request, str(errors.ServiceUnavailable().message), messages.ERROR)
            return
        queued = ngettext(
            "Thumbnails queued for %(count)d blob; the others have all theirs.",
            "Thumbnails queued for %(count)d blobs; the others have all theirs.",
            len(ids),
        )
        self.message_user(request, queued % {"count": len(ids)})

    @admin.display(description=gettext_lazy("preview"))
    def thumbnail(self, blob: Blob) -> str:
        return preview(blob.thumbnail_256_key, size=64)

    @admin.display(description=gettext_lazy("preview"))
    def large_preview(self, blob: Blob) -> str:
        return preview(blob.thumbnail_1024_key or blob.key, size=512)

    @admin.display(description="SHA-256", ordering="sha256")
    def short_hash(self, blob: Blob) -> str:
        return blob.sha256[:16] + "…"

    @admin.display(description=gettext_lazy("size"), ordering="size")
    def human_size(self, blob: Blob) -> str:
        return filesizeformat(blob.size)

    @admin.display(description=gettext_lazy("pixels"))
    def dimensions(self, blob: Blob) -> str:
        return f"{blob.width} x {blob.height}"

    @admin.display(description=gettext_lazy("photos"))  # not sortable: a count of every blob's photos
    def references(self, blob: Blob) -> int:
        return int(getattr(blob, "reference_count", 0))


HISTORY_LABELS = (gettext_noop("Caption"),)
"""Django's history keeps the label of a photo's changed field in English, capitalised, and
translates it when shown: it needs an entry of its own in the catalog (`order` is ours)."""


class PhotoInlineForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only, not at run time
    """A photo's place (from 1) and caption; the real-estate admin saves them through the
    media services (photo_update / photo_delete), never with this form's save(). The place keeps
    the API's bound (`position` 0 to `MAX_PHOTOS_PER_REAL_ESTATE - 1`): past the photos there
    are means last, as there; beyond the bound is a form error on the photo's line."""

    order = forms.IntegerField(
        label=gettext_lazy("order"), min_value=1, max_value=MAX_PHOTOS_PER_REAL_ESTATE, required=True
    )

    class Meta:
        model = Photo
        fields = ("caption",)
        field_classes = {"caption": VisibleCharField}  # nothing a reader sees is no caption (ADR 0094)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.position is not None:  # a stored photo, not the blank form's
            self.fields["order"].initial = self.instance.position + 1


class PhotoInline(admin.TabularInline):  # type: ignore[type-arg]
    """For the real-estate admin: its photos in order, with previews; staff reorder, re-caption
    and delete them here. Uploads go through the API."""

    model = Photo
    form = PhotoInlineForm
    fields = ("thumbnail", "order", "caption", "dimensions", "uploaded_by", "created_at")
    readonly_fields = ("thumbnail", "dimensions", "uploaded_by", "created_at")
    ordering = ("position",)
    extra = 0
    can_delete = True
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Photo]:
        return super().get_queryset(request).select_related("blob", "uploaded_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Managers remove photos as they reorder them: both are "change photo" to the services.
        return request.user.has_perm("media.change_photo")

    @admin.display(description=gettext_lazy("preview"))
    def thumbnail(self, photo: Photo) -> str:
        return preview(photo.blob.thumbnail_256_key or photo.blob.key)

    @admin.display(description=gettext_lazy("order"))
    def order(self, photo: Photo) -> int:
        """The form's `order` where the photos are shown, not offered for change (the form is
        then not used, and Django found no `order` to show: "Order", "None")."""
        return photo.position + 1

    @admin.display(description=gettext_lazy("pixels"))
    def dimensions(self, photo: Photo) -> str:
        return f"{photo.blob.width} x {photo.blob.height}"
