from __future__ import annotations

from django.urls import path

from planner.care import views as care_views
from planner.comments import views as comments
from planner.days import views as day_views
from planner.learn import views as learn_views
from planner.plans import views
from planner.profile import views as profile_views
from planner.reports import pdf
from planner.reports import views as week_views
from planner.sharing import views as sharing

app_name = "planner"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/rename/", views.plan_rename, name="plan_rename"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/duplicate/", views.plan_duplicate, name="plan_duplicate"),
    path("plans/<int:pk>/days/add/", views.day_add, name="day_add"),
    path("days/<int:pk>/", day_views.day_editor, name="day_editor"),
    path("days/<int:pk>/foods/", day_views.day_food_search, name="day_food_search"),
    path("days/<int:pk>/items/add/", day_views.item_add, name="item_add"),
    path("days/<int:pk>/undo/", day_views.item_undo, name="item_undo"),
    path("days/<int:pk>/copy/", day_views.day_copy, name="day_copy"),
    path("days/<int:pk>/move/", day_views.day_move, name="day_move"),
    path("days/<int:pk>/rename/", day_views.day_rename, name="day_rename"),
    path("days/<int:pk>/delete/", day_views.day_delete, name="day_delete"),
    path("days/<int:pk>/copy-meal/", day_views.meal_copy, name="meal_copy"),
    path("unit/", day_views.unit_set, name="unit_set"),
    path("items/<int:pk>/update/", day_views.item_update, name="item_update"),
    path("items/<int:pk>/delete/", day_views.item_delete, name="item_delete"),
    path("items/<int:pk>/swaps/", day_views.item_swaps, name="item_swaps"),
    path("items/<int:pk>/swap/", day_views.item_swap, name="item_swap"),
]

# The profile page (issue 4). No profile id in these URLs: each works on the
# signed-in person's own profile.
urlpatterns += [
    path("profile/", profile_views.profile, name="profile"),
    path("profile/targets/", profile_views.profile_targets, name="profile_targets"),
    path("profile/medicines/", profile_views.medicine_search, name="profile_medicines"),
    path("profile/medicines/add/", profile_views.medicine_add, name="profile_medicine_add"),
    path(
        "profile/medicines/remove/", profile_views.medicine_remove, name="profile_medicine_remove"
    ),
]

# The week view and the exports (issue 4 part 5).
urlpatterns += [
    path("plans/<int:pk>/week/", week_views.plan_week, name="plan_week"),
    path("plans/<int:pk>/export.csv", week_views.plan_export_csv, name="plan_export_csv"),
    path("plans/<int:pk>/export.json", week_views.plan_export_json, name="plan_export_json"),
]

# The explanatory pages (issue 5): the warning catalogue and the learn pages, public.
urlpatterns += [
    path("warnings/", learn_views.warning_index, name="warning_index"),
    path("warnings/<str:code>/", learn_views.warning_detail, name="warning_detail"),
    path("learn/", learn_views.learn_index, name="learn_index"),
    path("learn/magnesium-and-potassium/", learn_views.learn_mg_k, name="learn_mg_k"),
    path("learn/symptoms/", learn_views.learn_symptoms, name="learn_symptoms"),
    path("learn/supplements/", learn_views.learn_supplements, name="learn_supplements"),
]

# Comments, share links, print and PDF (issue 6 items 3-5).
urlpatterns += [
    path("comments/", comments.inbox, name="comments_inbox"),
    path("comments/read/", comments.inbox_mark_read, name="comments_mark_read"),
    path("plans/<int:pk>/comments/", comments.plan_comments, name="plan_comments"),
    path("plans/<int:pk>/comments/add/", comments.plan_comment_add, name="plan_comment_add"),
    path("days/<int:pk>/comments/", comments.day_comments, name="day_comments"),
    path("days/<int:pk>/comments/add/", comments.day_comment_add, name="day_comment_add"),
    path("items/<int:pk>/comments/", comments.item_comment_form, name="item_comment_form"),
    path("items/<int:pk>/comments/add/", comments.item_comment_add, name="item_comment_add"),
    path("items/<int:pk>/comments/close/", comments.item_comment_close, name="item_comment_close"),
    path("plans/<int:pk>/print/", pdf.plan_print, name="plan_print"),
    path("plans/<int:pk>/plan.pdf", pdf.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/shares/", sharing.share_list, name="share_list"),
    path("plans/<int:pk>/shares/new/", sharing.share_create, name="share_create"),
    path("shares/<int:pk>/withdraw/", sharing.share_revoke, name="share_revoke"),
    path("share/<str:token>/", sharing.share_page, name="share_page"),
    path("share/<str:token>/pdf", sharing.share_pdf, name="share_pdf"),
    path("share/<str:token>/print/", sharing.share_print, name="share_print"),
]

# Dietitians and their clients (issue 6): invitations, links, the client
# workspace, custom targets, templates and the history.
urlpatterns += [
    path("care/", care_views.care_home, name="care_home"),
    path("care/links/<dbid:pk>/end/", care_views.care_end, name="care_end"),
    path("history/", care_views.history_view, name="history"),
    path("invites/<slug:token>/", care_views.invite_detail, name="invite_detail"),
    path("invites/<slug:token>/accept/", care_views.invite_accept, name="invite_accept"),
    path("invites/<slug:token>/decline/", care_views.invite_decline, name="invite_decline"),
    path("clients/", care_views.client_list, name="client_list"),
    path("clients/invite/", care_views.invite_create, name="invite_create"),
    path("clients/invites/<dbid:pk>/withdraw/", care_views.invite_withdraw, name="invite_withdraw"),
    path("clients/templates/", care_views.template_list, name="template_list"),
    path("clients/templates/new/", care_views.template_create, name="template_create"),
    path("clients/templates/mark/", care_views.template_mark, name="template_mark"),
    path("clients/templates/<dbid:pk>/unmark/", care_views.template_unmark, name="template_unmark"),
    path("clients/templates/apply/", care_views.template_apply, name="template_apply"),
    path("clients/<dbid:client_id>/", care_views.client_detail, name="client_detail"),
    path(
        "clients/<dbid:client_id>/targets/",
        care_views.client_target_set,
        name="client_target_set",
    ),
    path(
        "clients/<dbid:client_id>/targets/remove/",
        care_views.client_target_remove,
        name="client_target_remove",
    ),
    path(
        "clients/<dbid:client_id>/plans/new/",
        care_views.client_plan_create,
        name="client_plan_create",
    ),
]
