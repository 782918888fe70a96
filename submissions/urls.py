from django.urls import path

from submissions.actions_log import views as action_views
from submissions.cycle import preview_views, round_views, views
from submissions.imports import views as import_views
from submissions.settings import views as settings_views

app_name = "submissions"

urlpatterns = [
    path("", views.home, name="home"),
    path("submissions/", views.my_submissions, name="mine"),
    path("submissions/<int:pk>/", views.entry, name="entry"),
    path(
        "submissions/<int:pk>/preview/", preview_views.figure_preview_json, name="figure_preview"
    ),
    path("submissions/<int:pk>/approve/", views.approve, name="approve"),
    path("submissions/<int:pk>/return/", views.return_, name="return"),
    path("submissions/<int:pk>/override/", views.override, name="override"),
    path("submissions/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("submissions/<int:pk>/actions/", action_views.action_add, name="action_add"),
    path(
        "submissions/<int:pk>/actions/<int:action_id>/",
        action_views.action_change,
        name="action_change",
    ),
    path("review/", views.review, name="review"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.import_job, name="import_job"),
    path("rounds/", round_views.rounds, name="rounds"),
    path("rounds/<int:pk>/", round_views.round_overview, name="round"),
    path("rounds/<int:pk>/close/", round_views.round_close, name="round_close"),
    path("rounds/<int:pk>/reopen/", round_views.round_reopen, name="round_reopen"),
    path("rounds/<int:pk>/audit/", round_views.round_audit, name="round_audit"),
    path("settings/", settings_views.settings_home, name="settings"),
    path("settings/new-year/", settings_views.copy_targets, name="settings_copy_targets"),
    path("settings/indicators/", settings_views.indicators, name="settings_indicators"),
    path("settings/indicators/order/", settings_views.pack_order, name="settings_order"),
    path("settings/indicators/<int:pk>/", settings_views.adoption, name="settings_adoption"),
    path(
        "settings/indicators/<int:pk>/move/",
        settings_views.adoption_move,
        name="settings_adoption_move",
    ),
    path(
        "settings/indicators/<int:pk>/retire/",
        settings_views.adoption_retire,
        name="settings_adoption_retire",
    ),
    path(
        "settings/indicators/<int:pk>/targets/",
        settings_views.adoption_targets,
        name="settings_targets",
    ),
    path("settings/agencies/", settings_views.agencies, name="settings_agencies"),
    path("settings/agencies/<int:pk>/", settings_views.agency, name="settings_agency"),
]
