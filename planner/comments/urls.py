from __future__ import annotations

from django.urls import path

from planner.comments import views

# Comments on plans, days and items (issue 6 item 3), and the inbox.
urlpatterns = [
    path("comments/", views.inbox, name="comments_inbox"),
    path("comments/read/", views.inbox_mark_read, name="comments_mark_read"),
    path("plans/<int:pk>/comments/", views.plan_comments, name="plan_comments"),
    path("plans/<int:pk>/comments/add/", views.plan_comment_add, name="plan_comment_add"),
    path("days/<int:pk>/comments/", views.day_comments, name="day_comments"),
    path("days/<int:pk>/comments/add/", views.day_comment_add, name="day_comment_add"),
    path("items/<int:pk>/comments/", views.item_comment_form, name="item_comment_form"),
    path("items/<int:pk>/comments/add/", views.item_comment_add, name="item_comment_add"),
    path("items/<int:pk>/comments/close/", views.item_comment_close, name="item_comment_close"),
]
