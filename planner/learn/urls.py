from __future__ import annotations

from django.urls import path

from planner.learn import views

# The explanatory pages (issue 5): the warning catalogue and the learn pages, public.
urlpatterns = [
    path("warnings/", views.warning_index, name="warning_index"),
    path("warnings/<str:code>/", views.warning_detail, name="warning_detail"),
    path("learn/", views.learn_index, name="learn_index"),
    path("learn/magnesium-and-potassium/", views.learn_mg_k, name="learn_mg_k"),
    path("learn/symptoms/", views.learn_symptoms, name="learn_symptoms"),
    path("learn/supplements/", views.learn_supplements, name="learn_supplements"),
]
