from __future__ import annotations

from django.urls import path

from planner.plans import views

# The plan list and a plan's page; a plan's week view and exports are in reports/.
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/rename/", views.plan_rename, name="plan_rename"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/duplicate/", views.plan_duplicate, name="plan_duplicate"),
    path("plans/<int:pk>/days/add/", views.day_add, name="day_add"),
]
