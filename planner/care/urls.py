from __future__ import annotations

from django.urls import path, register_converter

from planner.care import views


class DatabaseId:
    """An id that fits a 64-bit integer column.

    Longer digit strings do not match the URL, so they are a 404: passed on to
    a foreign-key filter they would raise OverflowError on SQLite (a 500).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


# Registered here, before the patterns below use it.
register_converter(DatabaseId, "dbid")

# Dietitians and their clients (issue 6): invitations, links, the client
# workspace, custom targets, templates and the history.
urlpatterns = [
    path("care/", views.care_home, name="care_home"),
    path("care/links/<dbid:pk>/end/", views.care_end, name="care_end"),
    path("history/", views.history_view, name="history"),
    path("invites/<slug:token>/", views.invite_detail, name="invite_detail"),
    path("invites/<slug:token>/accept/", views.invite_accept, name="invite_accept"),
    path("invites/<slug:token>/decline/", views.invite_decline, name="invite_decline"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/invite/", views.invite_create, name="invite_create"),
    path("clients/invites/<dbid:pk>/withdraw/", views.invite_withdraw, name="invite_withdraw"),
    path("clients/templates/", views.template_list, name="template_list"),
    path("clients/templates/new/", views.template_create, name="template_create"),
    path("clients/templates/mark/", views.template_mark, name="template_mark"),
    path("clients/templates/<dbid:pk>/unmark/", views.template_unmark, name="template_unmark"),
    path("clients/templates/apply/", views.template_apply, name="template_apply"),
    path("clients/<dbid:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<dbid:client_id>/targets/", views.client_target_set, name="client_target_set"),
    path(
        "clients/<dbid:client_id>/targets/remove/",
        views.client_target_remove,
        name="client_target_remove",
    ),
    path(
        "clients/<dbid:client_id>/plans/new/",
        views.client_plan_create,
        name="client_plan_create",
    ),
]
