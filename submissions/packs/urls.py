from django.urls import path

from submissions.packs import views as pack_views

app_name = "packs"

urlpatterns = [
    path("", pack_views.index, name="index"),
    path("region/", pack_views.regions, name="regions"),
    path("region/<slug:region>/<slug:code>/<str:month>/", pack_views.region, name="region"),
    path(
        "region/<slug:region>/<slug:code>/<str:month>/export.csv",
        pack_views.region_export,
        name="region_export",
    ),
    path("<str:area>/<str:month>/", pack_views.summary, name="summary"),
    path("<str:area>/<str:month>/pdf", pack_views.pdf, name="pdf"),
    path("<str:area>/<str:month>/export.<str:fmt>", pack_views.export, name="export"),
    path("<str:area>/<str:month>/<slug:code>/", pack_views.indicator, name="indicator"),
    path(
        "<str:area>/<str:month>/<slug:code>/chart/<slug:name>.json",
        pack_views.PackChartView.as_view(),
        name="chart",
    ),
]
