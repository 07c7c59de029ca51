"""HTTP endpoints of real estates: input serializer → service → output serializer.

Scoping is `get_queryset()` (a collector's foreign object is a 404); role and state rules
are the services'. Edits and transitions honour `If-Match` against the detail's `ETag`.
"""

import re
import uuid
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, cast

from django.http import StreamingHttpResponse
from django.utils.http import parse_etags
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import errors
from apps.core.converters import AnyCaseUUIDConverter
from apps.core.filters import refuse_empty
from apps.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from apps.core.idempotency import KEY_PATTERN as IDEMPOTENCY_KEY_PATTERN
from apps.core.idempotency import idempotent
from apps.core.openapi import error_responses
from apps.real_estates import list_cache, services
from apps.real_estates.api import examples
from apps.real_estates.api.filters import RealEstateFilterBackend, RealEstateFilterSet
from apps.real_estates.api.pagination import RealEstatePagination, rows_key
from apps.real_estates.api.serializers import (
    DETAIL_COLUMNS,
    DETAIL_PHOTO_COLUMNS,
    RealEstateDetailSerializer,
    RealEstateInputSerializer,
    RealEstateListItemSerializer,
    RejectInputSerializer,
    StatsQuerySerializer,
    StatsSerializer,
    TransitionSerializer,
    detail_body,
    detail_row,
)
from apps.real_estates.export import csv_chunks
from apps.real_estates.models import RealEstate, RealEstateTransition
from apps.real_estates.querysets import ListingRows, RealEstateQuerySet
from apps.real_estates.throttling import RealEstateCreateQuota
from apps.users.models import User
from apps.users.permissions import IsManagerOrAdmin, IsReviewerOfObject

_PATH_UUID = re.compile(AnyCaseUUIDConverter.regex)  # `{id}` as the schema spells it (`_pk`)
# A version is a PositiveIntegerField (at most 10 digits): a longer one names no version of ours,
# and int() of thousands of digits would raise.
_ETAG = re.compile(r'^(?:W/)?"([0-9a-f]{32})-([0-9]{1,10})"$')
CENTS = Decimal("0.01")

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The `ETag` of the detail you last read; a stale one is answered with 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    {"type": "string", "pattern": f"^{IDEMPOTENCY_KEY_PATTERN}$"},  # the pattern the server checks
    OpenApiParameter.HEADER,
    description="Up to 255 visible ASCII characters but the comma (a UUID, say), sent once. A retry with "
    "the same key and body within the idempotency window (the server's `IDEMPOTENCY_TTL_SECONDS`, 24 h "
    "by default) returns the first response (the real estate as it is now; 404 if deleted since) instead "
    "of creating a duplicate.",
)
ETAG_HEADER = {"ETag": OpenApiResponse(description="`ETag` of the detail")}
_TRANSITION_ERRORS = (
    errors.PermissionDenied,
    errors.RealEstateNotFound,
    errors.PreconditionFailed,
)


def expected_version(request: Request, real_estate: RealEstate) -> int | None:
    """The version `If-Match` expects, or None when absent (`*` matches any version)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    etags = parse_etags(header)  # the quoted tags, or ["*"]
    if etags == ["*"]:
        return None
    versions = [
        int(match[2])
        for match in map(_ETAG.match, etags)
        if match is not None and match[1] == real_estate.id.hex
    ]
    if not versions:
        raise errors.PreconditionFailed()
    if real_estate.version in versions:  # any listed tag may match, not only the first
        return real_estate.version
    return versions[0]  # an old version of this resource: the service compares under the row lock


class CsvRenderer(renderers.BaseRenderer):
    """The export's only renderer: negotiation lets through an `Accept` that admits `text/csv`
    (absent, `*/*`, `text/*`) and answers any other 406 (docs/adr/0053); the export streams its
    own body. An error's envelope is JSON whatever was negotiated (`api_exception_handler`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        # Never CSV (the export streams its own body): an error envelope or DRF's OPTIONS metadata,
        # JSON, and labelled so.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data)


class RealEstateAutoSchema(AutoSchema):
    """The reports take the list's filters: document them there too."""

    def get_filter_backends(self) -> list[Any]:
        if getattr(self.view, "action", None) in ("stats", "export"):
            return list(self.view.filter_backends)  # type: ignore[attr-defined]
        return super().get_filter_backends()


def _detail_response(body: dict[str, Any], status_code: int) -> Response:
    """The detail with its `ETag` (as `RealEstate.etag`: the id and the version)."""
    response = Response(body, status=status_code)
    response["ETag"] = f'"{body["id"].hex}-{body["version"]}"'
    return response


@extend_schema_view(
    list=extend_schema(
        summary="List real estates",
        description="Collectors see their own; managers and admins all. Newest first by default. "
        "`near` (with `radius_km`) and `bbox` select by place; with `near`, each item carries `distance_km` "
        "and `ordering=distance` puts the nearest first.",
        responses={200: RealEstateListItemSerializer(many=True), **error_responses(errors.ValidationError)},
        examples=[examples.NEARBY],
    ),
    retrieve=extend_schema(
        summary="A real estate",
        responses={200: RealEstateDetailSerializer, **error_responses(errors.RealEstateNotFound)},
        examples=[examples.DETAIL],
    ),
    create=extend_schema(
        summary="Register a real estate (a draft)",
        request=RealEstateInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        examples=[examples.CREATE_REQUEST, examples.CREATED],
        responses={
            201: RealEstateDetailSerializer,
            **error_responses(
                errors.ValidationError,
                errors.IdempotencyKeyInvalid,
                errors.IdempotencyKeyRepeated,
                errors.IdempotencyKeyReused,
                errors.IdempotencyRequestInProgress,
                errors.RealEstateCreateQuotaExceeded,
                errors.RealEstateNotFound,  # a replay of a create whose real estate was deleted since
                errors.PermissionDenied,  # deactivated while the request was in flight
            ),
        },
    ),
    partial_update=extend_schema(
        summary="Edit a real estate",
        description=(
            "Only a draft or a rejected one; its collector editing a rejected one makes it a draft again."
        ),
        request=RealEstateInputSerializer,
        parameters=[IF_MATCH],
        examples=[examples.UPDATE_REQUEST, examples.DETAIL],
        responses={
            200: RealEstateDetailSerializer,
            **error_responses(
                errors.ValidationError,
                errors.PermissionDenied,  # deactivated or demoted while the request was in flight
                errors.RealEstateNotFound,
                errors.RealEstateNotEditable,
                errors.PreconditionFailed,
            ),
        },
    ),
    destroy=extend_schema(
        summary="Delete a real estate",
        parameters=[IF_MATCH],
        responses={
            204: None,
            **error_responses(
                errors.PermissionDenied,  # deactivated or demoted while the request was in flight
                errors.RealEstateNotFound,
                errors.RealEstateNotEditable,
                errors.PreconditionFailed,
            ),
        },
    ),
)
class RealEstateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[RealEstate],
):
    filterset_class = RealEstateFilterSet
    filter_backends = [RealEstateFilterBackend]
    schema = RealEstateAutoSchema()
    pagination_class = RealEstatePagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # Reads as plain rows, assembled once per process and cloned by each request, as DRF's own
    # `queryset` attribute is (docs/adr/0052): a list page's, and a detail's, one row per photo.
    listing_rows: ClassVar = cast(RealEstateQuerySet, RealEstate.objects.with_listing_data())
    detail_rows: ClassVar = cast(
        RealEstateQuerySet,
        RealEstate.objects.values(*DETAIL_COLUMNS, *DETAIL_PHOTO_COLUMNS).order_by("photos__position"),
    )

    def get_queryset(self) -> RealEstateQuerySet:
        if self.action in ("list", "export"):
            # A clone, as DRF's `get_queryset` takes of `queryset`: nothing may evaluate the template.
            return self.listing_rows.all().visible_to(self.request.user)  # rows, still our QuerySet
        visible = RealEstate.objects.visible_to(self.request.user)
        if self.action == "stats":
            return visible
        return visible.with_detail_data()

    def get_serializer_class(self) -> Any:
        return RealEstateListItemSerializer if self.action == "list" else RealEstateDetailSerializer

    def _pk(self) -> uuid.UUID:
        """`{id}` as the schema's `format: uuid` reads it: hyphenated, in either case, as the photo
        and user routes' `anycase_uuid`; `uuid.UUID` alone also read braces, a `urn:uuid:` or no
        hyphens (ADR 0120)."""
        pk = str(self.kwargs["pk"])
        if not _PATH_UUID.fullmatch(pk):
            raise errors.RealEstateNotFound()
        return uuid.UUID(pk)

    def get_object(self) -> RealEstate:
        try:
            real_estate: RealEstate = self.get_queryset().get(pk=self._pk())
        except RealEstate.DoesNotExist:
            raise errors.RealEstateNotFound() from None
        self.check_object_permissions(self.request, real_estate)
        return real_estate

    @property
    def actor(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before
        return user

    def _detail(self, pk: uuid.UUID, status_code: int = status.HTTP_200_OK) -> Response:
        """The detail as it is now: one query, scoped as `get_queryset`."""
        scoped = self.detail_rows.all().visible_to(self.request.user)  # a clone, as for the list
        rows = cast(list[dict[str, Any]], list(scoped.filter(pk=pk)))
        if not rows:
            raise errors.RealEstateNotFound()
        return _detail_response(detail_body(rows), status_code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self._pk())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def handler() -> Response:
            # The per-user quota (on top of the general rate) counts here, not in `get_throttles`:
            # a replay, answered before this runs, creates nothing, so it costs no quota.
            RealEstateCreateQuota().check(request, self)
            serializer = RealEstateInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            real_estate = services.real_estate_create(actor=self.actor, fields=serializer.flat_fields())
            # The instance the service returned: no photos, no reviewer, the actor its collector.
            response = _detail_response(detail_body([detail_row(real_estate)]), status.HTTP_201_CREATED)
            response["Location"] = f"{request.path.rstrip('/')}/{real_estate.pk}"
            return response

        def replay(pk: str) -> Response:  # a retry of the same create: the record as it is now
            response = self._detail(uuid.UUID(pk))
            response["Location"] = f"{request.path.rstrip('/')}/{pk}"
            return response

        return idempotent(request, scope="real_estates.create", handler=handler, replay=replay)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        real_estate = self.get_object()
        version = expected_version(request, real_estate)
        serializer = RealEstateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.real_estate_update(
            real_estate=real_estate,
            actor=self.actor,
            fields=serializer.flat_fields(),
            expected_version=version,
        )
        return self._detail(updated.pk)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        real_estate = self.get_object()
        services.real_estate_delete(
            real_estate=real_estate, actor=self.actor, expected_version=expected_version(request, real_estate)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- workflow ---------------------------------------------------------------------------

    def _transition(
        self, service: Callable[..., RealEstate], real_estate: RealEstate, **fields: Any
    ) -> Response:
        """`service` (a workflow transition) on `real_estate` by the caller, under `If-Match`."""
        moved = service(
            real_estate=real_estate,
            actor=self.actor,
            expected_version=expected_version(self.request, real_estate),
            **fields,
        )
        return self._detail(moved.pk)

    @extend_schema(
        summary="Submit for review (draft → submitted)",
        request=None,
        parameters=[IF_MATCH],
        examples=[examples.SUBMITTED],
        responses={
            200: RealEstateDetailSerializer,
            **error_responses(
                *_TRANSITION_ERRORS, errors.RealEstateCannotSubmit, errors.RealEstateNeedsPhoto
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.real_estate_submit, self.get_object())

    @extend_schema(
        summary="Approve (submitted → approved)",
        request=None,
        parameters=[IF_MATCH],
        examples=[examples.APPROVED],
        responses={
            200: RealEstateDetailSerializer,
            **error_responses(*_TRANSITION_ERRORS, errors.RealEstateCannotApprove),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsReviewerOfObject])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.real_estate_approve, self.get_object())

    @extend_schema(
        summary="Reject with a reason (submitted → rejected)",
        request=RejectInputSerializer,
        parameters=[IF_MATCH],
        examples=[examples.REJECT_REQUEST, examples.REJECTED],
        responses={
            200: RealEstateDetailSerializer,
            **error_responses(*_TRANSITION_ERRORS, errors.ValidationError, errors.RealEstateCannotReject),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsReviewerOfObject])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        real_estate = self.get_object()
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._transition(
            services.real_estate_reject, real_estate, reason=serializer.validated_data["reason"]
        )

    @extend_schema(
        summary="Archive (approved → archived)",
        request=None,
        parameters=[IF_MATCH],
        examples=[examples.ARCHIVED],
        responses={
            200: RealEstateDetailSerializer,
            **error_responses(*_TRANSITION_ERRORS, errors.RealEstateCannotArchive),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsReviewerOfObject])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.real_estate_archive, self.get_object())

    @extend_schema(
        summary="Workflow history, oldest first",
        examples=[examples.HISTORY],
        responses={200: TransitionSerializer(many=True), **error_responses(errors.RealEstateNotFound)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        transitions = RealEstateTransition.objects.filter(real_estate=self.get_object()).history()
        return Response(TransitionSerializer(transitions, many=True).data)  # type: ignore[arg-type]

    # --- reports (managers and admins) -------------------------------------------------------

    @extend_schema(
        summary="Counts and average prices by group",
        parameters=[StatsQuerySerializer],
        examples=[examples.STATS],
        responses={
            200: StatsSerializer,
            **error_responses(errors.ValidationError, errors.PermissionDenied),
        },
    )
    @action(detail=False, methods=["get"], permission_classes=[IsManagerOrAdmin], pagination_class=None)
    def stats(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        group_by: str = query.validated_data["group_by"]
        groups = cast(RealEstateQuerySet, self.filter_queryset(self.get_queryset())).stats_by(group_by)
        results = list_cache.cached_result(
            f"stats:{group_by}",
            rows_key(request, self),
            lambda: [
                {
                    "key": row[group_by],
                    "count": row["count"],
                    "avg_price": _money(row["avg_price"]),
                    "avg_price_per_m2": _money(row["avg_price_per_m2"]),
                }
                for row in groups
            ],
        )
        return Response({"group_by": group_by, "results": results})

    @extend_schema(
        summary="The filtered list as CSV (streamed)",
        examples=[examples.EXPORT],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="A header row, then one row per real estate; with `near`, a last "
                "column `distance_km` (kilometres, three decimals).",
            ),
            # An error is JSON, not the CSV negotiated (`api_exception_handler`).
            **{
                (code, "application/json"): response
                for code, response in error_responses(errors.ValidationError, errors.PermissionDenied).items()
            },
        },
    )
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[IsManagerOrAdmin],
        pagination_class=None,
        renderer_classes=[CsvRenderer],
    )
    def export(self, request: Request) -> StreamingHttpResponse:
        # Filters are validated here, before the first byte is sent.
        refuse_empty(request.query_params, "format")  # DRF would ignore it and answer CSV
        queryset = cast(ListingRows, self.filter_queryset(self.get_queryset()))
        with_distance = getattr(self, "filters", {}).get("near") is not None
        response = StreamingHttpResponse(
            csv_chunks(queryset, with_distance=with_distance), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="real-estates.csv"'
        return response


def _money(value: Any) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(CENTS, rounding=ROUND_HALF_UP))
