from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from submissions.api import actions, adoption_views, views

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("groups", views.GroupViewSet, basename="group")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("adoptions", adoption_views.AdoptionViewSet, basename="adoption")
router.register("targets", adoption_views.TargetViewSet, basename="target")
router.register("month-values", views.MonthValueViewSet, basename="monthvalue")
router.register("derived-metrics", views.DerivedMetricViewSet, basename="derivedmetric")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("packs", views.PackViewSet, basename="pack")
router.register("actions", actions.ActionViewSet, basename="action")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include(router.urls)),
    # Last: any other address ending in a slash is a JSON 404 (without one, APPEND_SLASH
    # redirects first, so /api/areas still finds /api/areas/).
    re_path(r"^(?P<path>[\s\S]*/)$", views.not_found),
]
