"""/accounts/: sign-in (allauth), Django's password pages (the app's look), then the rest of
allauth (single sign-on, the second factor). The first pattern of a path wins."""

from __future__ import annotations

from django.urls import include, path

from csp.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("signup/", views.not_offered, name="signup-not-offered"),
    path("email/", views.not_offered, name="email-not-offered"),
    path("password/reset/", views.to_password_reset, name="allauth-password-reset"),
    path("password/change/", views.to_password_change, name="allauth-password-change"),
    path("password/set/", views.to_password_reset, name="allauth-password-set"),
    path("", include("django.contrib.auth.urls")),
    path("", include("allauth.urls")),
]
