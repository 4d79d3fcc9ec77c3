from __future__ import annotations

from django.urls import path

from nutrition import api, user_food_views, views

app_name = "nutrition"

urlpatterns = [
    path("foods/", views.search, name="search"),
    path("foods/rankings/", views.rankings, name="rankings"),
    path("foods/sources/", views.sources_page, name="sources"),
    path("foods/<int:pk>/", views.food_detail, name="food_detail"),
    path("api/foods/", api.food_list, name="api_food_list"),
    path("api/foods/<int:pk>/", api.food_item, name="api_food_item"),
    # A user's own foods from product labels, and the curators' review queue.
    path("foods/mine/", user_food_views.my_foods, name="my_foods"),
    path("foods/mine/new/", user_food_views.user_food_new, name="user_food_new"),
    path("foods/mine/<int:pk>/", user_food_views.user_food_detail, name="user_food_detail"),
    path("foods/mine/<int:pk>/edit/", user_food_views.user_food_edit, name="user_food_edit"),
    path("foods/mine/<int:pk>/submit/", user_food_views.user_food_submit, name="user_food_submit"),
    path("foods/mine/<int:pk>/delete/", user_food_views.user_food_delete, name="user_food_delete"),
    path("foods/review/", user_food_views.review_queue, name="review_queue"),
    path("foods/review/<int:pk>/approve/", user_food_views.review_approve, name="review_approve"),
    path("foods/review/<int:pk>/reject/", user_food_views.review_reject, name="review_reject"),
]
