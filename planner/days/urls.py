from __future__ import annotations

from django.urls import path

from planner.days import views

# The day editor: its htmx edits answer with the changed partials.
urlpatterns = [
    path("days/<int:pk>/", views.day_editor, name="day_editor"),
    path("days/<int:pk>/foods/", views.day_food_search, name="day_food_search"),
    path("days/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("days/<int:pk>/undo/", views.item_undo, name="item_undo"),
    path("days/<int:pk>/copy/", views.day_copy, name="day_copy"),
    path("days/<int:pk>/move/", views.day_move, name="day_move"),
    path("days/<int:pk>/rename/", views.day_rename, name="day_rename"),
    path("days/<int:pk>/delete/", views.day_delete, name="day_delete"),
    path("days/<int:pk>/copy-meal/", views.meal_copy, name="meal_copy"),
    path("unit/", views.unit_set, name="unit_set"),
    path("items/<int:pk>/update/", views.item_update, name="item_update"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/swaps/", views.item_swaps, name="item_swaps"),
    path("items/<int:pk>/swap/", views.item_swap, name="item_swap"),
]
