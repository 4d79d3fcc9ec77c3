from __future__ import annotations

from django.urls import path

from nutrition import api, views

app_name = "nutrition"

urlpatterns = [
    path("foods/", views.search, name="search"),
    path("foods/rankings/", views.rankings, name="rankings"),
    path("foods/sources/", views.sources_page, name="sources"),
    path("foods/<int:pk>/", views.food_detail, name="food_detail"),
    path("api/foods/", api.food_list, name="api_food_list"),
    path("api/foods/<int:pk>/", api.food_item, name="api_food_item"),
]
