from __future__ import annotations

from django.urls import path

from planner.sharing import views

# Share links (issue 6 item 4): made by the owner, opened by anyone with the token.
urlpatterns = [
    path("plans/<int:pk>/shares/", views.share_list, name="share_list"),
    path("plans/<int:pk>/shares/new/", views.share_create, name="share_create"),
    path("shares/<int:pk>/withdraw/", views.share_revoke, name="share_revoke"),
    path("share/<str:token>/", views.share_page, name="share_page"),
    path("share/<str:token>/pdf", views.share_pdf, name="share_pdf"),
    path("share/<str:token>/print/", views.share_print, name="share_print"),
]
