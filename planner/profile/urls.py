from __future__ import annotations

from django.urls import path

from planner.profile import views

# The profile page (issue 4). No profile id in these URLs: each works on the
# signed-in person's own profile.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/targets/", views.profile_targets, name="profile_targets"),
    path("profile/medicines/", views.medicine_search, name="profile_medicines"),
    path("profile/medicines/add/", views.medicine_add, name="profile_medicine_add"),
    path("profile/medicines/remove/", views.medicine_remove, name="profile_medicine_remove"),
]
