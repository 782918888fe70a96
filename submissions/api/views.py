"""The REST API: read endpoints filtered by what the user may see, and the workflow actions as
endpoints calling the same services as the pages (errors mapped to 400/403/404/409)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from csp import permissions
from csp.users import AnyUser, AuthenticatedRequest
from submissions.api import selectors
from submissions.api import serializers as s
from submissions.api.months import month_filter
from submissions.api.schema import refused as _refused
from submissions.api.selectors import (
    packs_visible_to,
    rounds_visible_to,
    submissions_visible_to,
)
from submissions.cycle import services
from submissions.cycle.commentary import commentary_findings, finding_texts
from submissions.cycle.validation import Entry
from submissions.cycle.workflow import State, TransitionError
from submissions.packs import publish


class FigureFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__code")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    month_from = month_filter("month", "gte", "From this month on, YYYY-MM (e.g. 2016-10).")
    month_to = month_filter("month", "lte", "Up to this month, YYYY-MM (e.g. 2016-12).")


AREA_PARAMETER = OpenApiParameter(
    "area", str, description="One of your partnerships, by its area's ONS code."
)


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = selectors.areas()
    serializer_class = s.AreaSerializer
    lookup_field = "code"


class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = selectors.groups()
    serializer_class = s.GroupSerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(parameters=[AREA_PARAMETER]),
    retrieve=extend_schema(parameters=[AREA_PARAMETER]),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The agencies of your partnerships. Each partnership has its own: ``?area=`` (the
    partnership's area code) picks one partnership's, and a code found in several of yours
    needs it."""

    serializer_class = s.AgencySerializer
    lookup_field = "code"

    def get_queryset(self):
        agencies = selectors.agencies_visible_to(self.request.user)
        area = self.request.query_params.get("area")
        return agencies.filter(partnership__area__code=area) if area else agencies

    def get_object(self):
        found = list(self.get_queryset().filter(code=self.kwargs["code"])[:2])
        if not found:
            raise NotFound()
        if len(found) > 1:
            raise ValidationError(
                {"area": ["This agency code is in several of your partnerships: give ?area=."]}
            )
        return found[0]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The shared catalogue; each indicator carries the adoptions of your partnerships."""

    serializer_class = s.IndicatorSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.indicators(self.request.user)


class MonthValueViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved month values (read only: figures are written through submissions or imports)."""

    serializer_class = s.MonthValueSerializer
    filterset_class = FigureFilter

    def get_queryset(self):
        return selectors.month_values_visible_to(self.request.user)


class DerivedMetricViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DerivedMetricSerializer
    filterset_class = FigureFilter

    def get_queryset(self):
        return selectors.derived_metrics_visible_to(self.request.user)


def _coordinated(user: AnyUser) -> int:
    """The partnership a round is opened in when the body names none: the one the caller
    coordinates (403 for none, 400 when they coordinate several and must say which)."""
    coordinated = permissions.access_for(user).coordinator_of
    if not coordinated:
        raise ApiPermissionDenied("Only the partnership coordinator can open a round.")
    if len(coordinated) > 1:
        raise ValidationError(
            {"partnership": ["You coordinate several partnerships: name one (its area's code)."]}
        )
    return next(iter(coordinated))


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting rounds of your partnerships. The coordinator opens, closes, publishes and
    reopens them through the same services as the pages; each state change is checked against
    the round's transition table (open -> closed -> published -> reopened -> published)."""

    serializer_class = s.RoundSerializer

    def get_queryset(self):
        return rounds_visible_to(self.request.user).order_by("-month")

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, TypeError):
            raise NotFound() from None

    @extend_schema(
        summary="Open a round for a month",
        request=s.RoundCreateSerializer,
        responses={201: s.RoundSerializer, **_refused(400, 403, 409)},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        body = s.RoundCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        named = body.validated_data["partnership"]
        partnership_id = named.id if named is not None else _coordinated(request.user)
        try:
            round_ = services.round_create(
                partnership_id=partnership_id,
                month=body.validated_data["month"],
                deadline=body.validated_data["deadline"],
                user=request.user,
                now=timezone.now(),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        round_ = rounds_visible_to(request.user).get(pk=round_.pk)
        return Response(s.RoundSerializer(round_).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Close an open round for entries",
        request=None,
        responses={200: s.RoundSerializer, **_refused(403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        try:
            round_ = services.round_close(
                round_id=self.get_object().pk, user=request.user, now=timezone.now()
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(s.RoundSerializer(round_).data)

    @extend_schema(
        summary="Publish the round's pack as its next version",
        description="Version 1 from an open or closed round whose every item is approved; "
        "version N+1 from a reopened round, with a change note, if the pack changed.",
        request=s.PublishSerializer,
        responses={201: s.PackVersionSerializer, **_refused(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        body = s.PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = publish.round_publish(
                round_id=self.get_object().pk,
                user=request.user,
                change_note=body.validated_data["change_note"],
                confirm_note=body.validated_data["confirm_note"],
                now=timezone.now(),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(s.PackVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reopen a published round for a correction",
        request=s.RoundReopenSerializer,
        responses={200: s.RoundSerializer, **_refused(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        body = s.RoundReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            round_ = services.round_reopen(
                round_id=self.get_object().pk,
                user=request.user,
                reason=body.validated_data["reason"],
                now=timezone.now(),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(s.RoundSerializer(round_).data)


class PackViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        versions = packs_visible_to(self.request.user).order_by("-round__month", "number")
        # The list names versions; only a version's own resource carries its snapshot.
        return versions if self.action == "retrieve" else versions.defer("snapshot")

    def get_serializer_class(self):
        return (
            s.PackVersionDetailSerializer
            if self.action == "retrieve"
            else (s.PackVersionSerializer)
        )


def _refusal(exc: Exception) -> Response:
    if isinstance(exc, services.ValidationFailed):
        return Response(
            {"errors": exc.checked.errors, "warnings": exc.checked.warnings},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, services.ConcurrentEdit):
        return Response(
            {
                "detail": str(exc),
                "changes": [
                    {"field": f, "yours": str(a), "saved": str(b)} for f, a, b in exc.changes
                ],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, PermissionDenied):
        raise ApiPermissionDenied(str(exc))
    if isinstance(exc, services.RoundConflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)


REFUSALS = (services.CycleError, TransitionError, PermissionDenied)


SUBMISSION_REFUSALS = _refused(400, 403, 404, 409, subject="the submission")
SAVED = {200: s.SavedSubmissionSerializer, **SUBMISSION_REFUSALS}
ACTED = {200: s.SubmissionSerializer, **SUBMISSION_REFUSALS}


STATES = [str(c.value) for c in State]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=STATES,
                description="Only submissions in this state (e.g. submitted).",
            )  # fmt: skip
        ]
    )
)
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Submissions you may see; drafts saved with PUT (the entry and the version it was based
    on); the workflow's actions as POST endpoints."""

    serializer_class = s.SubmissionSerializer

    def get_queryset(self):
        queryset = (
            submissions_visible_to(self.request.user)
            .select_related("round__partnership__area", "adoption__owner")
            .order_by("-round__month", "adoption__pack_order")
        )
        wanted = self.request.query_params.get("status")
        if wanted is not None and wanted not in STATES:
            raise ValidationError({"status": [f"Give one of: {', '.join(STATES)}."]})
        return queryset.filter(status=wanted) if wanted else queryset

    def _submission_id(self) -> int:
        return self.get_object().pk

    def _save(self, request: AuthenticatedRequest, *, submit: bool) -> Response:
        entry_in = s.EntrySerializer(data=request.data)
        entry_in.is_valid(raise_exception=True)
        data = dict(entry_in.validated_data)
        version = data.pop("version")
        try:
            sub = services.submission_save(
                submission_id=self._submission_id(),
                user=request.user,
                entry=Entry(**data),
                expected_version=version,
                submit=submit,
                now=timezone.now(),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        # Saved either way: what the figures contradict in its commentary comes back as warnings.
        found = finding_texts(commentary_findings(sub))
        return Response({**s.SubmissionSerializer(sub).data, "commentary_findings": found})

    @extend_schema(request=s.EntrySerializer, responses=SAVED)
    def update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._save(request, submit=False)

    @extend_schema(request=s.EntrySerializer, responses=SAVED)
    @action(detail=True, methods=["post"])
    def submit(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._save(request, submit=True)

    @extend_schema(request=None, responses=ACTED)
    @action(detail=True, methods=["post"])
    def approve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        try:
            sub = services.submission_approve(
                submission_id=self._submission_id(), user=request.user, now=timezone.now()
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(s.SubmissionSerializer(sub).data)

    @extend_schema(request=s.ReturnSerializer, responses=ACTED)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        body = s.ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            sub = services.submission_return(
                submission_id=self._submission_id(),
                user=request.user,
                reason=body.validated_data["reason"],
                now=timezone.now(),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(s.SubmissionSerializer(sub).data)

    @extend_schema(request=s.OverrideSerializer, responses=ACTED)
    @action(detail=True, methods=["post"])
    def override(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        body = s.OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            sub = services.submission_override_rag(
                submission_id=self._submission_id(),
                user=request.user,
                rag=body.validated_data["rag"],
                justification=body.validated_data["justification"],
                now=timezone.now(),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(s.SubmissionSerializer(sub).data)

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, TypeError):
            raise NotFound() from None


@csrf_exempt  # it changes nothing: a POST needs no CSRF token to be told so
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other address under /api/ (an id that is no id, a misspelt endpoint): a JSON 404, as
    the endpoints answer, rather than the pages' HTML one."""
    return JsonResponse({"detail": "No such address in this API."}, status=404)
