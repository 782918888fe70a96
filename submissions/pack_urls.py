from django.urls import path

from submissions import pack_views

app_name = "packs"

urlpatterns = [
    path("", pack_views.index, name="index"),
    path("<str:area>/<str:month>/", pack_views.summary, name="summary"),
    path("<str:area>/<str:month>/<slug:code>/", pack_views.indicator, name="indicator"),
]
