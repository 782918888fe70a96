"""The action log over the API: ``GET/POST /api/actions/``, ``GET/PATCH /api/actions/<id>/``.

Rows are those the caller may read (``actions_log.selectors.actions_visible_to``: the owning
agency's leads and the coordinator, within their partnerships); writes call the same services as
the entry form (a refusal answers 400, 403 or 404 with a sentence)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from csp.users import AuthenticatedRequest
from submissions.actions_log import services
from submissions.actions_log.rules import Owner
from submissions.actions_log.selectors import (
    actions_visible_to,
    api_adoption,
    api_owner,
    reporting_month,
)
from submissions.api.action_serializers import (
    ActionChangeSerializer,
    ActionCreateSerializer,
    ActionSerializer,
)
from submissions.cycle.errors import CycleError

FILTERS = [
    OpenApiParameter("area", str, description="One of your partnerships, by its area's code."),
    OpenApiParameter("indicator", str, description="An indicator's code."),
    OpenApiParameter("status", str, description="open, on_track, off_track or done."),
]


def _refusal(exc: Exception) -> Response:
    if isinstance(exc, PermissionDenied):
        raise ApiPermissionDenied(str(exc))
    return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The action logs of the indicators you may see; add an action (POST) or change one
    (PATCH: status ``done`` closes it in ``month``)."""

    serializer_class = ActionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        rows = actions_visible_to(self.request.user)
        params = self.request.query_params
        if params.get("area"):
            rows = rows.filter(adoption__partnership__area__code=params["area"])
        if params.get("indicator"):
            rows = rows.filter(adoption__indicator__code=params["indicator"])
        if params.get("status"):
            rows = rows.filter(status=params["status"])
        return rows

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, TypeError):
            raise NotFound() from None

    @extend_schema(request=ActionCreateSerializer, responses={201: ActionSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        body = ActionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            adoption = api_adoption(request.user, data["indicator"], data.get("area"))
            owner = api_owner(
                adoption.partnership_id, data.get("owner_agency"), data.get("owner_person")
            )
            action = services.action_create(
                adoption_id=adoption.pk,
                user=request.user,
                text=data["text"],
                owner=owner or Owner(agency_id=adoption.owner_id),
                due_date=data.get("due_date"),
                status=data.get("status", "open"),
                month=data.get("month")
                or reporting_month(adoption.partnership_id, timezone.localdate()),
            )
        except (CycleError, PermissionDenied) as exc:
            return _refusal(exc)
        created = self.get_queryset().get(pk=action.pk)
        return Response(ActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionChangeSerializer, responses=ActionSerializer)
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        found = self.get_object()  # 404 for an action you may not see
        body = ActionChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        partnership_id = found.adoption.partnership_id
        changes = {k: data[k] for k in ("text", "due_date", "status") if k in data}
        try:
            owner = api_owner(partnership_id, data.get("owner_agency"), data.get("owner_person"))
            services.action_update(
                action_id=found.pk,
                user=request.user,
                month=data.get("month") or reporting_month(partnership_id, timezone.localdate()),
                owner=owner,
                **changes,
            )
        except (CycleError, PermissionDenied) as exc:
            return _refusal(exc)
        return Response(ActionSerializer(self.get_queryset().get(pk=found.pk)).data)
