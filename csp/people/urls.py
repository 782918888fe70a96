from django.urls import path

from csp.people import views

urlpatterns = [
    path("partnership/people/", views.people, name="people"),
    path(
        "partnership/people/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="people_invitation_resend",
    ),
    path(
        "partnership/people/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="people_invitation_revoke",
    ),
    path("partnership/people/roles/<int:pk>/", views.role_change, name="people_role_change"),
    path("partnership/people/<int:user_id>/remove/", views.person_remove, name="people_remove"),
    path("invitations/<str:token>/", views.invitation, name="invitation_accept"),
]
